// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "attt",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "attt", targets: ["attt"]),
        .executable(name: "attt-collector", targets: ["attt-collector"]),
        .library(name: "HardeningCore", targets: ["HardeningCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The collector's HTTPS server and the agent's client: one NIO/BoringSSL stack for both.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // HTTP request parts as Hummingbird's channel sees them: the collector's request deadline.
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // The collector's CA, the agents' keys and certificate requests.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // The collector's configuration: file, environment and flags, in that order of precedence.
        // No traits: its YAML trait brings Yams and, through it, ICU into every binary (packaging/README.md).
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: []),
        // multipart/form-data: the collector's attestation form sends the scanned decision as a file.
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        // File descriptors without Foundation's FileHandle (which links ICU into a static binary).
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        // ZIP archives: the OpenDocument text (mimetype stored first) and the CSV tables of a report.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // The collector's metrics for its operators, in Prometheus's text format (issue 17 point 6).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Hummingbird runs on it; the metrics listener is one more service beside the server.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The collector's second store, for a province's thousands of PCs and several instances (issue 17).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Pure model: facts, policy, evaluator, report. No file or network I/O.
        .target(name: "HardeningCore"),
        // libyaml (libyaml-dev) and the one Swift module that imports it: YAML text → nodes with line and column.
        .systemLibrary(name: "CYAML", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CLZ4", providers: [.apt(["liblz4-dev"])]),
        // libzstd (libzstd-dev): the collector's stored reports and evidence.
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "YAMLParsing", dependencies: ["CYAML"]),
        // YAML policy files → validated core types, errors with file:line.
        .target(name: "PolicyLoading", dependencies: ["HardeningCore", "YAMLParsing"]),
        // The few C declarations host access needs that Swift's Glibc module hides (_GNU_SOURCE).
        .target(name: "CHostAccess"),
        // The one door into a host: reading files under a root, running its tools. No policy, no facts.
        .target(name: "HostAccess", dependencies: ["CHostAccess", "DurableFiles", .product(name: "SystemPackage", package: "swift-system")]),
        // Reads a host through a root prefix into HostFacts.
        .target(name: "HostProbes", dependencies: ["HardeningCore", "HostAccess", "CLZ4", .product(name: "SystemPackage", package: "swift-system"), .product(name: "Crypto", package: "swift-crypto")]),
        // Linux-PAM: a system library (libpam0g-dev) and the one Swift module that imports it.
        .systemLibrary(name: "CPAM", providers: [.apt(["libpam0g-dev"])]),
        .target(name: "LinuxPAM", dependencies: ["CPAM"]),
        // libaudit: the same shape.
        .systemLibrary(name: "CAudit", providers: [.apt(["libaudit-dev"])]),
        .target(name: "LinuxAudit", dependencies: ["CAudit"]),
        // Writes a crash leaves old or new, never half: every file attt writes goes through it.
        .target(name: "DurableFiles"),
        // The only code that writes to a host's configuration: transactions, backups, rollback.
        .target(name: "Remediation", dependencies: ["HardeningCore", "HostAccess", "HostProbes", "LinuxPAM", "DurableFiles"]),
        // Keys, certificate requests and the collector's CA: how an agent gets its own identity.
        .target(
            name: "Enrollment",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The agent's scheduled side: the on-disk outbox, the upload with backoff, the HTTPS link.
        .target(
            name: "AgentRuntime",
            dependencies: [
                "HardeningCore", "Enrollment", "CollectorAPI", "DurableFiles", "HostAccess",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Incident response on the PC (Điều 11): isolation, evidence collection, restore, the steps' record.
        .target(
            name: "IncidentResponse",
            dependencies: [
                "AgentRuntime", "CollectorAPI", "HardeningCore", "HostAccess", "HostProbes", "DurableFiles", "Remediation", "Enrollment",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The messages agents and the collector exchange (openapi/collector.yaml).
        .target(name: "CollectorAPI", dependencies: ["HardeningCore", .product(name: "Crypto", package: "swift-crypto")]),
        // The collector's storage: a protocol, and SQLite through GRDB as the embedded default.
        .target(name: "CollectorStore", dependencies: ["HardeningCore", "CollectorAPI", "CZstd", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")]),
        // The same store protocols on PostgreSQL: one database behind several collector instances.
        .target(
            name: "CollectorPostgres",
            dependencies: [
                "CollectorStore", "CollectorAPI", "HardeningCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The collector's HTTPS server: API for agents (mutual TLS), web pages for officers (PAM sign-in).
        .target(
            name: "CollectorServer",
            dependencies: [
                "HardeningCore", "CollectorAPI", "CollectorStore", "CollectorPostgres", "Enrollment", "LinuxPAM", "DurableFiles", "Reporting",
                "CollectorReports", "OfficeDocuments", "CollectorSnapshots", "PolicyLoading",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                "YAMLParsing",
            ]
        ),
        .target(
            name: "CollectorCommands",
            dependencies: [
                "CollectorServer", "CollectorStore", "CollectorPostgres", "CollectorAPI", "Enrollment", "HardeningCore", "CommandLineSupport", "CollectorSnapshots",
                "CollectorReports", "OfficeDocuments", "DurableFiles", "PolicyLoading",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(name: "attt-collector", dependencies: ["CollectorCommands"]),
        // benchmarks/collector-load.sh: simulated agents against a running collector.
        .executableTarget(
            name: "attt-collector-load",
            dependencies: ["AgentRuntime", "CollectorAPI", "Enrollment", "HardeningCore"],
            path: "benchmarks/collector-load"
        ),
        // benchmarks/history-year.sh: a generated year of reports in the collector's store.
        .executableTarget(name: "attt-history-year", dependencies: ["CollectorStore", "CollectorReports", "HardeningCore"], path: "benchmarks/history-year"),
        // Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP): the model and its renderers.
        .target(name: "OfficeDocuments", dependencies: ["HostAccess", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // The periodic and annual reports: figures from the stored history, as administrative documents.
        .target(name: "CollectorReports", dependencies: ["CollectorStore", "CollectorAPI", "OfficeDocuments", "HardeningCore"]),
        // The inspection snapshot: one unit at a date, frozen in a ZIP with a manifest of SHA-256 sums.
        .target(
            name: "CollectorSnapshots",
            dependencies: [
                "CollectorStore", "HardeningCore", "DurableFiles",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Text and JSON renderers, Vietnamese and English strings.
        .target(name: "Reporting", dependencies: ["HardeningCore"]),
        // What both programs share on the command line: failures and exit codes.
        .target(
            name: "CommandLineSupport",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "SystemPackage", package: "swift-system")]
        ),
        // The agent's commands; the executable only calls into this.
        .target(
            name: "AtttCommands",
            dependencies: [
                "HardeningCore", "PolicyLoading", "HostAccess", "HostProbes", "Reporting", "Remediation", "LinuxPAM", "LinuxAudit", "AgentRuntime",
                "CollectorAPI", "Enrollment", "CommandLineSupport", "DurableFiles", "IncidentResponse",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .executableTarget(name: "attt", dependencies: ["AtttCommands"]),
        .target(
            name: "AtttTestSupport",
            dependencies: ["HardeningCore", "PolicyLoading", "HostAccess", "HostProbes"],
            path: "Tests/AtttTestSupport"
        ),
        .testTarget(name: "HardeningCoreTests", dependencies: ["HardeningCore"]),
        .testTarget(name: "YAMLParsingTests", dependencies: ["YAMLParsing", "AtttTestSupport"]),
        .testTarget(name: "PolicyLoadingTests", dependencies: ["PolicyLoading", "AtttTestSupport"]),
        .testTarget(name: "HostProbesTests", dependencies: ["HostAccess", "DurableFiles", "HostProbes", "AtttTestSupport", .product(name: "SystemPackage", package: "swift-system")]),
        .testTarget(
            name: "ControlTests",
            dependencies: ["HardeningCore", "PolicyLoading", "HostAccess", "HostProbes", "Reporting", "AtttCommands", "AtttTestSupport", "AgentRuntime", "Enrollment"],
            exclude: ["browser"]
        ),
        .testTarget(name: "LinuxPAMTests", dependencies: ["LinuxPAM"]),
        .testTarget(name: "LinuxAuditTests", dependencies: ["LinuxAudit"]),
        .testTarget(name: "IntegrationTests", dependencies: ["AtttTestSupport", "HostAccess"]),
        .testTarget(name: "AgentRuntimeTests", dependencies: ["AgentRuntime", "CollectorAPI", "HardeningCore", "HostAccess", "AtttTestSupport", "Enrollment"]),
        .testTarget(name: "IncidentResponseTests", dependencies: ["IncidentResponse", "AgentRuntime", "CollectorAPI", "HardeningCore", "HostAccess", "AtttTestSupport", "Enrollment", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "CollectorStoreTests",
            dependencies: ["CollectorStore", "CollectorPostgres", "AtttTestSupport", "CollectorAPI", "HardeningCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "CollectorServerTests",
            dependencies: [
                "CollectorServer", "Enrollment", "CollectorStore", "CollectorReports", "OfficeDocuments", "HardeningCore",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The collector and agents as real processes over loopback.
        .testTarget(
            name: "CollectorTests",
            dependencies: [
                "AtttTestSupport", "Enrollment", "HardeningCore", "OfficeDocuments",
                // The agent's incident outbox, filled as `attt incident …` fills it, drained by a real `attt run`.
                "AgentRuntime", "HostAccess", "CollectorAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            exclude: ["browser", "openapi"]
        ),
        .testTarget(name: "CollectorReportsTests", dependencies: ["CollectorReports", "CollectorStore", "CollectorAPI", "OfficeDocuments", "HardeningCore", "AtttTestSupport"]),
        // Each format checked with the real software: LibreOffice, Chromium, poppler, Python's csv.
        .testTarget(name: "OfficeDocumentsTests", dependencies: ["OfficeDocuments", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "RemediationTests", dependencies: ["HardeningCore", "HostAccess", "HostProbes", "Remediation", "AtttTestSupport"]),
    ]
)

// Each module's README says what it is for; it is documentation, not a resource.
let documented: Set<String> = [
    "HardeningCore", "PolicyLoading", "HostAccess", "HostProbes", "Reporting", "AtttCommands", "LinuxPAM", "LinuxAudit", "Remediation", "AgentRuntime",
    "CollectorStore", "CollectorAPI", "CollectorServer", "CollectorCommands", "Enrollment", "DurableFiles", "CommandLineSupport",
    "YAMLParsing", "OfficeDocuments", "CollectorReports", "CollectorSnapshots", "CollectorPostgres",
]
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
