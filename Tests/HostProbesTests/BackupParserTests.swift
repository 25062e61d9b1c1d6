import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing
import HostAccess

/// The readers behind VN-TD-BAK-001: crontab lines, systemd units with drop-ins, the commands that
/// run a backup tool, fstab, and the wrapper's status record.
@Suite struct BackupParserTests {
    // MARK: crontab(5)

    @Test func systemCrontabHasAUserFieldAndEnvironmentLines() {
        let text = """
        # /etc/crontab: system-wide crontab
        SHELL=/bin/sh
        PATH = /usr/local/sbin:/usr/local/bin:/sbin:/bin
        "MAILTO"=root

        17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly
        30 2 * * mon-fri backup /usr/bin/restic backup /etc /home % ignored stdin
        @daily root borgmatic --verbosity 1
        """
        let tab = Crontab.parse(text, path: "/etc/crontab", system: true)
        #expect(tab.problems.isEmpty)
        #expect(tab.jobs.map(\.schedule) == ["17 * * * *", "30 2 * * mon-fri", "@daily"])
        #expect(tab.jobs.map(\.user) == ["root", "backup", "root"])
        #expect(tab.jobs[1].command == "/usr/bin/restic backup /etc /home")
        #expect(tab.jobs[1].source.description == "/etc/crontab:7")
        #expect(tab.jobs[2].source.description == "/etc/crontab:8")
    }

    @Test func userCrontabHasNoUserFieldAndPercentEscapes() {
        let tab = Crontab.parse("0 3 * * 0 rsync -a /home/an/ /media/an/usb/ && date +\\%F > /tmp/x\n", path: "/var/spool/cron/crontabs/an", system: false)
        #expect(tab.jobs.count == 1)
        #expect(tab.jobs[0].user == nil)
        #expect(tab.jobs[0].command == "rsync -a /home/an/ /media/an/usb/ && date +%F > /tmp/x")
    }

    @Test func badLinesAreSkippedAndNamed() {
        let tab = Crontab.parse("0 2 * *\n@sometimes root x\n0 2 * * * root\n1 2 3 4 5 root ok\r\n", path: "/etc/cron.d/x", system: true)
        #expect(tab.jobs.map(\.command) == ["ok"])
        #expect(tab.problems.count == 3)
        #expect(tab.problems[0].hasPrefix("/etc/cron.d/x:1:"))
        #expect(tab.problems[2] == "/etc/cron.d/x:3: no command")
    }

    // MARK: systemd units

    @Test func dropInsReplaceExecStartAndLinesContinue() {
        var unit = SystemdUnit.parse("[Service]\nType=oneshot\nExecStart=-/usr/bin/restic \\\n  backup /etc\n; comment\n", path: "/lib/systemd/system/r.service")
        #expect(unit.commands().map(\.value) == ["/usr/bin/restic   backup /etc"])
        #expect(unit.commands().first?.source.description == "/lib/systemd/system/r.service:3")
        unit.read("[Service]\nExecStart=\nExecStart=/usr/local/sbin/backup\n", path: "/etc/systemd/system/r.service.d/override.conf")
        #expect(unit.commands().map(\.source.description) == ["/etc/systemd/system/r.service.d/override.conf:3"])
    }

    // MARK: Commands

    @Test func toolsAndPathsInCommands() {
        #expect(BackupCommand.tool("/usr/bin/restic -r /srv/repo backup /etc") == "restic")
        #expect(BackupCommand.paths("/usr/bin/restic -r /srv/repo backup --exclude /home/x /etc /var/lib/") == ["/etc", "/var/lib"])
        #expect(BackupCommand.tool("cd / && run-parts --report /etc/cron.daily") == nil)
        #expect(BackupCommand.tool("test -x /usr/bin/deja-dup && deja-dup --backup") == "deja-dup")
        #expect(BackupCommand.covers("/", BackupCommand.userRoots))
        #expect(BackupCommand.covers("/var", BackupCommand.applicationRoots))
        #expect(BackupCommand.covers("/home/an", BackupCommand.userRoots))
        #expect(!BackupCommand.covers("/etcetera", BackupCommand.systemRoots))
    }

    @Test func scriptLinesJoinContinuations() {
        let script = try! String(contentsOf: Repository.host("debian12-hardened").appendingPathComponent("usr/local/sbin/attt-backup"), encoding: .utf8)
        let lines = BackupCommand.toolLines(script: script)
        #expect(lines.map(\.line) == [6, 9])
        #expect(BackupCommand.paths(lines[0].text) == ["/etc", "/home", "/var/lib", "/srv"])
    }

    // MARK: fstab and the status record

    @Test func fstabMountPoints() {
        let fstab = Fstab.parse("UUID=a / ext4 defaults 0 1\nUUID=b /srv/backup ext4 defaults 0 2\n/dev/sdc1 /mnt/My\\040Disk vfat noauto 0 0\nUUID=s none swap sw 0 0\n", path: "/etc/fstab")
        #expect(fstab.mountPoint(of: "/srv/backup/restic") == "/srv/backup")
        #expect(fstab.mountPoint(of: "/srv/backupx") == "/")
        #expect(fstab.mountPoint(of: "/mnt/My Disk/borg") == "/mnt/My Disk")
        #expect(fstab.device(of: "/") == "UUID=a")
    }

    @Test func targetsByKind() {
        let fstab = Fstab.parse("UUID=a / ext4 defaults 0 1\nUUID=b /srv/backup ext4 defaults 0 2\n", path: "/etc/fstab")
        func target(_ name: String) -> BackupTarget { BackupProbe.target(Sourced(name, SourceLocation(path: "/x")), fstab: fstab) }
        #expect(target("sftp:backup@10.0.0.5:/srv/r").kind == "remote")
        #expect(target("backup@nas:/volume1/borg").onRootFileSystem == false)
        #expect(target("/media/an/USB/borg").kind == "removable")
        #expect(target("/srv/backup/restic").onRootFileSystem == false)
        #expect(target("/var/backups/restic").onRootFileSystem == true)
    }

    @Test func statusRecordAndItsErrors() throws {
        let text = "{\n  \"time\": \"2026-11-25T02:14:51Z\",\n  \"exitCode\": 0,\n  \"target\": \"/media/usb\",\n  \"paths\": [\"/etc\"]\n}\n"
        let run = try #require(try BackupProbe.lastRun(text: text, path: "/s"))
        #expect(run.exitCode.value == 0 && run.exitCode.source.description == "/s:3")
        #expect(run.paths?.value == ["/etc"] && run.paths?.source.line == 5)
        #expect(try BackupProbe.lastRun(text: nil, path: "/s") == nil)
        // The snapshot the job made (docs/backup-status.md), as the fixture's attt-backup writes it.
        let withSnapshot = #"{"time": "2026-11-25T02:14:51Z", "exitCode": 0, "tool": "restic", "target": "/media/usb/restic", "paths": ["/etc"], "snapshot": "5d326d30"}"#
        #expect(try BackupProbe.lastRun(text: withSnapshot, path: "/s")?.exitCode.value == 0)
        #expect(throws: ProbeError.self) { try BackupProbe.lastRun(text: "{\"time\": \"yesterday\", \"exitCode\": 0, \"target\": \"x\"}", path: "/s") }
        do {
            _ = try BackupProbe.lastRun(text: "{\"time\": \"2026-11-25T02:14:51Z\"}", path: "/s")
            Issue.record("a record without exitCode is refused")
        } catch let error as ProbeError {
            #expect(error.description.contains("no \"exitCode\""))
        }
    }

    // MARK: Hardware (VN-TD-HW-001)

    @Test func smartdStateKeepsOnlyWhatIsNotZero() {
        let text = "# smartd state file\nself-test-errors = 2\nata-smart-attribute.0.id = 5\nata-smart-attribute.0.val = 100\nata-smart-attribute.1.id = 197\nata-smart-attribute.1.raw = 16\nbogus line\nata-smart-attribute.2.raw = 9\nmail.0.count = 1\n"
        let state = SmartdState.parse(text, path: "/s")
        #expect(state.raw(5, path: "/s").value == 0 && state.raw(5, path: "/s").source.line == 3)
        #expect(state.raw(197, path: "/s").value == 16 && state.raw(197, path: "/s").source.line == 6)
        #expect(state.raw(198, path: "/s").source.description == "/s")
        #expect(state.counter("self-test-errors", path: "/s").value == 2)
        #expect(SmartdState.disk(fileName: "smartd.Samsung_SSD_870_EVO_500GB-S6PX.ata.state")! == ("Samsung_SSD_870_EVO_500GB-S6PX", "ata"))
        #expect(SmartdState.disk(fileName: "smartd.x.state") == nil)
        #expect(SmartdState.disk(fileName: "attrlog.x.ata.csv") == nil)
    }

    @Test func cpuAndMemoryFromProc() {
        let cpu = HardwareProbe.cpu("processor\t: 0\nmodel name\t: Cortex\n\nprocessor\t: 1\nmodel name\t: Cortex\n", path: "/proc/cpuinfo")
        #expect(cpu.model?.value == "Cortex" && cpu.model?.source.line == 2 && cpu.count?.value == 2)
        let arm = HardwareProbe.cpu("processor : 0\nBogoMIPS : 108.00\n\nModel : Raspberry Pi 4 Model B Rev 1.4\n", path: "/p")
        #expect(arm.model?.value == "Raspberry Pi 4 Model B Rev 1.4")
        let memory = HardwareProbe.memory("MemTotal:  1000 kB\r\nMemAvailable: 250 kB\r\nHugePages_Total: 0\n", path: "/proc/meminfo")
        #expect(memory["MemAvailable"]?.value == 250 && memory["MemAvailable"]?.source.line == 2)
        let facts = HardwareFacts(vendor: nil, product: nil, serial: nil, biosVersion: nil, biosDate: nil, cpuModel: nil, cpuCount: nil, memoryTotalKiB: memory["MemTotal"], memoryAvailableKiB: memory["MemAvailable"], loadAverage: nil, disks: [], rootUsedPercent: nil, smart: [])
        #expect(facts.memoryHeadroomPercent?.value == 25)
    }
}
