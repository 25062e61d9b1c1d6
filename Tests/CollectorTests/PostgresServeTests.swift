import AtttTestSupport
import Foundation
import Testing

/// `attt-collector serve` and its commands on PostgreSQL (issue 17 point 1), chosen by the one setting
/// `database.url`, with the password from the environment or a file, never a flag: a real agent
/// enrolls and reports, and what it sent is in the database the tests' own server holds.
@Suite(.serialized) struct PostgresServeTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-pg-serve-\(UUID())")
    let unit = "UBND xã Tứ Dân"

    @Test func serveAndItsCommandsUseTheDatabaseTheURLNames() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.database()
        let environment = ["ATTT_COLLECTOR_DATABASE_URL": cluster.url(database)]
        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"), environment: environment)
        defer { collector.stop() }
        #expect(collector.output.contains("database: postgresql://\(cluster.user)@/\(database) (socket \(cluster.directory)"), "\(collector.output)")
        #expect(!FileManager.default.fileExists(atPath: collector.databasePath), "no SQLite file beside the PostgreSQL database")

        let token = try collector.command(["token", "create", "--unit", unit], environment: environment)
        #expect(token.status == 0, "\(token.stderr)")
        let pc = work.appendingPathComponent("pc01")
        try FileManager.default.copyItem(at: Repository.host("debian12-broken"), to: pc)
        let enrolled = try AtttBinary.run(["enroll", "--root", pc.path, "--collector", collector.url, "--token",
                                           token.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--ca-cert", collector.caPath])
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        let ran = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "2", "--backoff-base", "0.05"])
        #expect(ran.status == 0, "\(ran.stderr)")

        #expect(try cluster.psql("SELECT count(*) FROM report", database: database).trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        #expect(try cluster.psql("SELECT unit FROM host", database: database).contains(unit))
        // The commands read the same database: the host is listed, and the SQLite file is still not made.
        let hosts = try collector.command(["hosts", "list"], environment: environment)
        #expect(hosts.status == 0 && hosts.stdout.contains(unit), "\(hosts.stdout)\(hosts.stderr)")
        #expect(!FileManager.default.fileExists(atPath: collector.databasePath))
        // A PostgreSQL database is backed up with pg_dump.
        let backup = try collector.command(["backup", "--to", work.appendingPathComponent("backup").path], environment: environment)
        #expect(backup.status == 2 && backup.stderr.contains("pg_dump"), "\(backup.stderr)")
        // As docs/collector.md says: pg_dump beside the running serve, pg_restore into an empty
        // database, and the collector reads the restored one.
        let bin = try #require(PostgresTestCluster.binaries), dump = work.appendingPathComponent("attt.dump").path
        func tool(_ arguments: [String]) throws -> AtttBinary.Output { try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments) }
        let dumped = try tool(["\(bin)/pg_dump", "--format=custom", "--file=\(dump)", cluster.url(database)])
        #expect(dumped.status == 0, "\(dumped.stderr)")
        let copy = try cluster.database()
        let restored = try tool(["\(bin)/pg_restore", "--exit-on-error", "--no-owner", "--dbname=\(cluster.url(copy))", dump])
        #expect(restored.status == 0, "\(restored.stderr)")
        let again = try collector.command(["hosts", "list"], environment: ["ATTT_COLLECTOR_DATABASE_URL": cluster.url(copy)])
        #expect(again.status == 0 && again.stdout == hosts.stdout, "\(again.stdout)\(again.stderr)")
    }

    @Test func aBadURLOrPasswordFileIsRefusedSayingWhatToWrite() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let state = work.appendingPathComponent("state").path
        func serve(_ environment: [String: String]) throws -> AtttBinary.Output {
            try AtttBinary.collector(["serve", "--state-dir", state, "--port", "0"], environment: environment)
        }
        let password = try serve(["ATTT_COLLECTOR_DATABASE_URL": "postgresql://attt:secret@db.example/attt"])
        #expect(password.status == 2 && password.stderr.contains("database.password-file") && !password.stderr.contains("secret"), "\(password.stderr)")
        let other = try serve(["ATTT_COLLECTOR_DATABASE_URL": "mysql://attt@db.example/attt"])
        #expect(other.status == 2 && other.stderr.contains("postgresql://"), "\(other.stderr)")
        let cluster = try PostgresTestCluster.shared()
        let missing = try serve(["ATTT_COLLECTOR_DATABASE_URL": cluster.url(try cluster.database()),
                                 "ATTT_COLLECTOR_DATABASE_PASSWORD_FILE": work.appendingPathComponent("none").path])
        #expect(missing.status == 2 && missing.stderr.contains("database.password-file: cannot read"), "\(missing.stderr)")
        // A file written on Windows is read to its first line's end; an empty first line is refused.
        let file = work.appendingPathComponent("db-password")
        try Data("mật-khẩu\r\nignored\n".utf8).write(to: file)
        let url = cluster.url(try cluster.database())
        let listed = try AtttBinary.collector(["hosts", "list", "--state-dir", state],
                                              environment: ["ATTT_COLLECTOR_DATABASE_URL": url, "ATTT_COLLECTOR_DATABASE_PASSWORD_FILE": file.path])
        #expect(listed.status == 0, "\(listed.stderr)")
        try Data("\nmật-khẩu\n".utf8).write(to: file)
        let empty = try AtttBinary.collector(["hosts", "list", "--state-dir", state],
                                             environment: ["ATTT_COLLECTOR_DATABASE_URL": url, "ATTT_COLLECTOR_DATABASE_PASSWORD_FILE": file.path])
        #expect(empty.status == 2 && empty.stderr.contains("first line of \(file.path) is empty"), "\(empty.stderr)")
        // A database nobody can reach: exit 3, naming where it looked.
        let unreachable = try serve(["ATTT_COLLECTOR_DATABASE_URL": "postgresql://attt@/attt?host=\(work.path)"])
        #expect(unreachable.status == 3 && unreachable.stderr.contains("cannot open the database postgresql://attt@/attt"), "\(unreachable.stderr)")
    }
}
