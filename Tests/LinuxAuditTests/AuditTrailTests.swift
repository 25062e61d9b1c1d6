import LinuxAudit
import Testing

@Suite struct AuditTrailTests {
    /// In a container or without CAP_AUDIT_WRITE the kernel refuses: that must come back as a reason,
    /// never a crash or a silent success.
    @Test func aConfigurationChangeIsRecordedOrRefusedWithAReason() {
        switch AuditTrail.configurationChange("op=attt-test " + AuditTrail.field("tx", "000001-test"), success: true) {
        case .recorded: break
        case .refused(let reason): #expect(!reason.isEmpty)
        }
    }

    @Test func fieldsAreEncodedWhenNeeded() {
        #expect(AuditTrail.field("tx", "000001-20261125T192237Z") == "tx=000001-20261125T192237Z")
        #expect(AuditTrail.field("officer", "Cán bộ") == "officer=43C3A16E2062E1BB99")
        #expect(AuditTrail.field("x", "") == "x=")
    }
}
