import Foundation
@testable import IncidentResponse
import Testing

/// The small formats of a collection: names safe on FAT and journalctl's boot list.
@Suite struct EvidenceFormatsTests {
    @Test(arguments: [
        ("/var/log/auth.log", "var/log/auth.log"),
        ("/etc/a:b?c", "etc/a%3Ab%3Fc"),
        ("/var/log/bad\nname", "var/log/bad%0Aname"),
        ("/home/u/100%", "home/u/100%25"),
        ("/home/u/Tài liệu/báo cáo.odt", "home/u/Tài liệu/báo cáo.odt"),
        ("/home/u/trailing. ", "home/u/trailing.%20"),
        ("/srv/../x", "srv/%2E%2E/x"),
        ("/x/back\\slash|pipe\"*<>", "x/back%5Cslash%7Cpipe%22%2A%3C%3E"),
    ])
    func namesAreSafeOnFAT(hostPath: String, expected: String) {
        #expect(EvidenceName.encode(hostPath: hostPath) == expected)
    }

    @Test func bootsAreNewestFirst() {
        let text = """
            -2 0b1c5e1f4f6a4a5b9a1d2e3f4a5b6c7d Mon 2026-11-30 07:58:01 +07—Mon 2026-11-30 17:02:11 +07
            -1 1f2e3d4c5b6a79881f2e3d4c5b6a7988 Tue 2026-12-01 07:55:40 +07—Tue 2026-12-01 17:10:02 +07
             0 AABBCCDDEEFF00112233445566778899 Sun 2026-12-06 07:50:12 +07—Sun 2026-12-06 15:00:00 +07
            IDX BOOT ID
             1 not-a-boot-id x
            """
        #expect(JournalExport.parseBoots(text) == ["aabbccddeeff00112233445566778899", "1f2e3d4c5b6a79881f2e3d4c5b6a7988", "0b1c5e1f4f6a4a5b9a1d2e3f4a5b6c7d"])
    }
}
