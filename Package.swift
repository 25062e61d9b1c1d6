// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "attt",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "attt", targets: ["attt"]),
        .library(name: "HardeningCore", targets: ["HardeningCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Pure model: facts, policy, evaluator, report. No file or network I/O.
        .target(name: "HardeningCore"),
        // YAML policy files → validated core types, errors with file:line.
        .target(
            name: "PolicyLoading",
            dependencies: ["HardeningCore", .product(name: "Yams", package: "Yams")]
        ),
        // Reads a host through a root prefix into HostFacts.
        .target(name: "HostProbes", dependencies: ["HardeningCore"]),
        // Linux-PAM: a system library (libpam0g-dev) and the one Swift module that imports it.
        .systemLibrary(name: "CPAM", providers: [.apt(["libpam0g-dev"])]),
        .target(name: "LinuxPAM", dependencies: ["CPAM"]),
        // libaudit: the same shape.
        .systemLibrary(name: "CAudit", providers: [.apt(["libaudit-dev"])]),
        .target(name: "LinuxAudit", dependencies: ["CAudit"]),
        // The only code that writes to a host: transactions, backups, atomic writes, rollback.
        .target(name: "Remediation", dependencies: ["HardeningCore", "HostProbes", "LinuxPAM"]),
        // The agent's scheduled side: the on-disk outbox of reports (issue 4 builds the rest here).
        .target(name: "AgentRuntime", dependencies: ["HardeningCore"]),
        // The collector's storage: a protocol, and SQLite through GRDB as the embedded default.
        .target(name: "CollectorStore", dependencies: ["HardeningCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // Text and JSON renderers, Vietnamese and English strings.
        .target(name: "Reporting", dependencies: ["HardeningCore"]),
        // The agent's commands; the executable only calls into this.
        .target(
            name: "AtttCommands",
            dependencies: [
                "HardeningCore", "PolicyLoading", "HostProbes", "Reporting", "Remediation", "LinuxPAM", "LinuxAudit", "AgentRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "attt", dependencies: ["AtttCommands"]),
        .target(
            name: "AtttTestSupport",
            dependencies: ["HardeningCore", "PolicyLoading", "HostProbes"],
            path: "Tests/AtttTestSupport"
        ),
        .testTarget(name: "HardeningCoreTests", dependencies: ["HardeningCore"]),
        .testTarget(name: "PolicyLoadingTests", dependencies: ["PolicyLoading", "AtttTestSupport"]),
        .testTarget(name: "HostProbesTests", dependencies: ["HostProbes", "AtttTestSupport"]),
        .testTarget(
            name: "ControlTests",
            dependencies: ["HardeningCore", "PolicyLoading", "HostProbes", "Reporting", "AtttCommands", "AtttTestSupport"]
        ),
        .testTarget(name: "LinuxPAMTests", dependencies: ["LinuxPAM"]),
        .testTarget(name: "LinuxAuditTests", dependencies: ["LinuxAudit"]),
        .testTarget(name: "IntegrationTests", dependencies: ["AtttTestSupport"]),
        .testTarget(name: "AgentRuntimeTests", dependencies: ["AgentRuntime", "HardeningCore"]),
        .testTarget(name: "CollectorStoreTests", dependencies: ["CollectorStore", "HardeningCore"]),
        .testTarget(name: "RemediationTests", dependencies: ["HardeningCore", "HostProbes", "Remediation", "AtttTestSupport"]),
    ]
)

// Each module's README says what it is for; it is documentation, not a resource.
let documented: Set<String> = ["HardeningCore", "PolicyLoading", "HostProbes", "Reporting", "AtttCommands", "LinuxPAM", "LinuxAudit", "Remediation", "AgentRuntime", "CollectorStore"]
for target in package.targets where documented.contains(target.name) {
    target.exclude.append("README.md")
}

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ])
    target.swiftSettings = settings
}
