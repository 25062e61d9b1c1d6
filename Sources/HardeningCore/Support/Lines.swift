extension StringProtocol {
    /// The text's lines, split at every line feed, each keeping a carriage return that came before
    /// its break, so that joining them with "\n" gives the same bytes back (what an editor of a file
    /// needs).
    ///
    /// Not `split(separator: "\n")`: for Swift, "\r\n" is one Character, different from "\n", so a
    /// file saved with Windows line ends would come back as a single line.
    public var rawLines: [Substring] {
        Substring(self).unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { Substring($0) }
    }

    /// The text's lines without their line ends ("\n" or "\r\n"), for readers.
    public var lines: [Substring] {
        rawLines.map { $0.unicodeScalars.last == "\r" ? Substring($0.unicodeScalars.dropLast()) : $0 }
    }
}
