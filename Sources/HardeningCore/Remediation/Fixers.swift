/// The fixers attt knows, by the name a policy gives in `fix.fixer`.
public enum Fixers {
    public static let all: [String: any Fixer] = Dictionary(uniqueKeysWithValues: ([
        PasswordAgingFixer(),
        AccountLockFixer(),
        SambaGuestFixer(),
        FaillockFixer(),
        PwqualityFixer(),
        ClamAVFixer(),
        NfsExportFixer(),
        FreshclamFixer(),
        MandatorySoftwareFixer(),
        SshdFixer(),
        SysctlFixer(),
        UnattendedUpgradesFixer(),
        FirewallFixer(),
        AuditRulesFixer(),
        LogRetentionFixer(),
        SmartmontoolsFixer(),
        SecretIsolationFixer(),
        BrowserDnsPolicyFixer(),
        SecurityUpdatesFixer(),
        PasswordChangeFixer(),
        IncidentReportChannelFixer(),
    ] as [any Fixer]).map { ($0.name, $0 as any Fixer) })
}
