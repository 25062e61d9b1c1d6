/// attt's version: in every report (`agent`), in `--version`, and in the packages built from this tree.
public enum AtttVersion {
    public static let current = "0.1.0"
}
