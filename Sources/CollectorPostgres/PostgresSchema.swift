/// The collector's schema on PostgreSQL: the same versioned, append-only migrations as the SQLite
/// store's (same identifiers, same order), in PostgreSQL's dialect. A released migration is never
/// edited; a change is a new one. The end state has the SQLite store's tables and column names, so
/// the queries mirror the SQLite store's; where they differ on purpose:
///
/// - Every text column is `TEXT COLLATE "C"`: ordering and comparison are byte-wise, as in SQLite.
///   Times stay UTC ISO 8601 text to the second (`2026-12-07T19:00:00Z`) and are compared as text.
/// - Integers are `BIGINT`; the two true/false columns are `BOOLEAN` (`report.summary_only`,
///   `evidence_manifest.signature_ok`). `unit_day.revoked` is a count of hosts, so it stays `BIGINT`.
///   Blobs are `BYTEA`.
/// - The `AUTOINCREMENT` ids (`audit.id`, `issued_report.id`, `audit_prune.id`) are
///   `GENERATED ALWAYS AS IDENTITY`: the store never inserts an id of its own; read it with `RETURNING id`.
/// - SQLite's hidden `rowid` orders rows by arrival in some queries. These tables have a
///   `seq BIGINT GENERATED ALWAYS AS IDENTITY` column for that, to use where SQLite says `rowid`:
///   `report` (also `UNIQUE`: rows are looked up by it, `r.rowid = (SELECT rowid …)`),
///   `host_certificate`, `waiver`, `attestation`, `incident_step`, `evidence_manifest`,
///   `user_report`, `incident_document`. (`incident_revision.seq` is the SQLite store's own column.)
/// - `user` is reserved in PostgreSQL: `sign_in_failure."user"` and `officer_session."user"` are
///   quoted, in the queries too.
/// - A trigger that refuses a change calls ``appendOnlyRefusal`` (`append_only_refusal()`, made by
///   `v5`) with SQLite's message; conditional triggers are plpgsql functions with SQLite's logic.
///   The append-only tables also refuse `TRUNCATE`, which SQLite has not and which skips row triggers.
/// - SQLite's "no replace" triggers are not needed: `INSERT OR REPLACE` does not exist here, a
///   plain insert of an existing key fails on the primary key, `ON CONFLICT DO UPDATE` fires the
///   update triggers, and an identity column refuses an explicit id.
enum PostgresSchema {
    struct Migration: Sendable {
        let identifier: String
        /// One SQL statement each (the extended query protocol runs one statement at a time).
        let statements: [String]
    }

    static let migrations: [Migration] = [
        /// Hosts, their reports and each report's results.
        /// `report.seq` stands for SQLite's `rowid` (arrival order).
        Migration(identifier: "v1-reports", statements: [
            """
            CREATE TABLE host (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                unit TEXT COLLATE "C" NOT NULL,
                hostname TEXT COLLATE "C",
                first_seen TEXT COLLATE "C" NOT NULL,
                last_seen TEXT COLLATE "C" NOT NULL
            )
            """,
            "CREATE INDEX host_unit ON host(unit)",
            """
            CREATE TABLE report (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                host_id TEXT COLLATE "C" NOT NULL REFERENCES host(id),
                started_at TEXT COLLATE "C" NOT NULL,
                received_at TEXT COLLATE "C" NOT NULL,
                profile TEXT COLLATE "C" NOT NULL,
                role TEXT COLLATE "C" NOT NULL,
                policy_version TEXT COLLATE "C" NOT NULL,
                pass BIGINT NOT NULL, fail BIGINT NOT NULL, not_applicable BIGINT NOT NULL,
                error BIGINT NOT NULL, manual BIGINT NOT NULL, total BIGINT NOT NULL,
                body BYTEA NOT NULL,
                seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
            )
            """,
            "CREATE INDEX report_host_time ON report(host_id, started_at)",
            """
            CREATE TABLE result (
                report_id TEXT COLLATE "C" NOT NULL REFERENCES report(id) ON DELETE CASCADE,
                control TEXT COLLATE "C" NOT NULL,
                status TEXT COLLATE "C" NOT NULL,
                severity TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (report_id, control)
            )
            """,
            "CREATE INDEX result_control_status ON result(control, status)",
        ]),

        /// Summary-only reports, compacted reports, enrollment tokens, host certificates, jobs,
        /// officers' sign-in failures and sessions. `summary_only` is a `BOOLEAN` (`DEFAULT false`);
        /// `host_certificate.seq` stands for `rowid`; `"user"` is quoted (reserved).
        Migration(identifier: "v2-enrollment-jobs-officers", statements: [
            "ALTER TABLE report ADD COLUMN summary_only BOOLEAN NOT NULL DEFAULT false",
            """
            CREATE TABLE compaction (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                host_id TEXT COLLATE "C" NOT NULL REFERENCES host(id),
                count BIGINT NOT NULL,
                first_at TEXT COLLATE "C" NOT NULL,
                last_at TEXT COLLATE "C" NOT NULL,
                failures TEXT COLLATE "C" NOT NULL,
                received_at TEXT COLLATE "C" NOT NULL
            )
            """,
            "CREATE INDEX compaction_host ON compaction(host_id)",
            """
            CREATE TABLE enrollment_token (
                hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                unit TEXT COLLATE "C" NOT NULL,
                created_by TEXT COLLATE "C" NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                expires_at TEXT COLLATE "C" NOT NULL,
                used_at TEXT COLLATE "C",
                used_by_host TEXT COLLATE "C"
            )
            """,
            """
            CREATE TABLE host_certificate (
                serial TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                host_id TEXT COLLATE "C" NOT NULL REFERENCES host(id),
                issued_at TEXT COLLATE "C" NOT NULL,
                not_after TEXT COLLATE "C" NOT NULL,
                revoked_at TEXT COLLATE "C",
                seq BIGINT GENERATED ALWAYS AS IDENTITY
            )
            """,
            "CREATE INDEX host_certificate_host ON host_certificate(host_id)",
            """
            CREATE TABLE job (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                host_id TEXT COLLATE "C" NOT NULL REFERENCES host(id),
                controls TEXT COLLATE "C" NOT NULL,
                approved_by TEXT COLLATE "C" NOT NULL,
                approved_at TEXT COLLATE "C" NOT NULL,
                expires_at TEXT COLLATE "C" NOT NULL,
                state TEXT COLLATE "C" NOT NULL,
                fetched_at TEXT COLLATE "C",
                finished_at TEXT COLLATE "C",
                transaction_id TEXT COLLATE "C",
                message TEXT COLLATE "C"
            )
            """,
            "CREATE INDEX job_host_state ON job(host_id, state)",
            """
            CREATE TABLE sign_in_failure (
                "user" TEXT COLLATE "C" NOT NULL,
                address TEXT COLLATE "C",
                at TEXT COLLATE "C" NOT NULL
            )
            """,
            #"CREATE INDEX sign_in_failure_user ON sign_in_failure("user", at)"#,
            """
            CREATE TABLE officer_session (
                token_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                "user" TEXT COLLATE "C" NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                expires_at TEXT COLLATE "C" NOT NULL
            )
            """,
        ]),

        /// Reports stored before the collector clamped times: a start after arrival becomes the
        /// arrival, so a report dated in the future stops being its host's latest for ever. Also the
        /// index by arrival and the sessions' last use. The data fixes are kept (nothing to fix on a
        /// new database) so the versions stay the same.
        Migration(identifier: "v3-times-at-arrival", statements: [
            "UPDATE report SET started_at = received_at WHERE started_at > received_at",
            "UPDATE compaction SET last_at = received_at WHERE last_at > received_at",
            "UPDATE compaction SET first_at = last_at WHERE first_at > last_at",
            "CREATE INDEX report_host_received ON report(host_id, received_at)",
            #"ALTER TABLE officer_session ADD COLUMN last_seen TEXT COLLATE "C""#,
            #"ALTER TABLE officer_session ADD COLUMN checked_at TEXT COLLATE "C""#,
        ]),

        /// History from changes: a report's results become rows only where a control's status
        /// changed (`result_change`), the latest result of each host × control is kept with its
        /// evidence (`current_result`), each closed day is frozen per unit and control
        /// (`compliance_day`, `unit_day`); whole bodies move to `report_body`, compressed.
        ///
        /// SQLite rebuilds `report` (new table, copy, drop, rename); here it is altered in place to
        /// the same columns (`failing` added, `body` dropped, its indexes kept). SQLite's Swift loop
        /// that replays the old full reports' bodies into the history (JSON decoding, zstd, hashes)
        /// cannot be SQL: a PostgreSQL database never holds pre-v4 full reports, and if one did this
        /// migration refuses to run rather than lose their results. Summaries keep their failing list.
        Migration(identifier: "v4-history", statements: [
            """
            DO $$
            BEGIN
                IF EXISTS (SELECT 1 FROM report WHERE NOT summary_only) THEN
                    RAISE EXCEPTION 'v4-history: this database keeps full reports from before the history; only the SQLite store replays their bodies';
                END IF;
            END
            $$
            """,
            """
            CREATE TABLE report_body (
                report_id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                host_id TEXT COLLATE "C" NOT NULL,
                body BYTEA NOT NULL
            )
            """,
            "CREATE INDEX report_body_host ON report_body(host_id)",
            """
            CREATE TABLE control_info (
                control TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                area TEXT COLLATE "C" NOT NULL,
                articles TEXT COLLATE "C" NOT NULL,
                severity TEXT COLLATE "C" NOT NULL,
                title_vi TEXT COLLATE "C" NOT NULL,
                title_en TEXT COLLATE "C" NOT NULL
            )
            """,
            """
            CREATE TABLE result_change (
                host_id TEXT COLLATE "C" NOT NULL,
                control TEXT COLLATE "C" NOT NULL,
                since_at TEXT COLLATE "C" NOT NULL,
                status TEXT COLLATE "C" NOT NULL,
                report_id TEXT COLLATE "C" NOT NULL,
                until_at TEXT COLLATE "C",
                PRIMARY KEY (host_id, control, since_at)
            )
            """,
            """
            CREATE TABLE current_result (
                host_id TEXT COLLATE "C" NOT NULL,
                control TEXT COLLATE "C" NOT NULL,
                status TEXT COLLATE "C" NOT NULL,
                since_at TEXT COLLATE "C" NOT NULL,
                failing_since TEXT COLLATE "C",
                result_hash BYTEA NOT NULL,
                result BYTEA NOT NULL,
                PRIMARY KEY (host_id, control)
            )
            """,
            "CREATE INDEX current_result_control ON current_result(control, status)",
            """
            CREATE TABLE compliance_day (
                unit TEXT COLLATE "C" NOT NULL,
                day BIGINT NOT NULL,
                control TEXT COLLATE "C" NOT NULL,
                pass BIGINT NOT NULL, fail BIGINT NOT NULL, not_applicable BIGINT NOT NULL,
                error BIGINT NOT NULL, manual BIGINT NOT NULL, waived BIGINT NOT NULL,
                PRIMARY KEY (unit, day, control)
            )
            """,
            """
            CREATE TABLE unit_day (
                unit TEXT COLLATE "C" NOT NULL,
                day BIGINT NOT NULL,
                hosts BIGINT NOT NULL, reporting BIGINT NOT NULL, silent BIGINT NOT NULL,
                never_reported BIGINT NOT NULL, revoked BIGINT NOT NULL,
                PRIMARY KEY (unit, day)
            )
            """,
            """
            CREATE TABLE rollup_state (
                unit TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                through_day BIGINT,
                dirty_from BIGINT
            )
            """,
            #"ALTER TABLE report ADD COLUMN failing TEXT COLLATE "C""#,
            """
            UPDATE report SET failing = (SELECT string_agg(control, ',' ORDER BY control) FROM result WHERE report_id = report.id)
            WHERE summary_only
            """,
            "DROP TABLE result",
            "ALTER TABLE report DROP COLUMN body",
        ]),

        /// Waivers, attestations and the audit log. Nobody edits the log, not even a bug in the
        /// collector. Also makes `append_only_refusal()`, which every later refusing trigger calls.
        /// `waiver.seq` and `attestation.seq` stand for `rowid`; `audit.id` is an identity.
        Migration(identifier: "v5-waivers-attestations-audit", statements: [
            """
            CREATE TABLE waiver (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                unit TEXT COLLATE "C" NOT NULL,
                host_id TEXT COLLATE "C" REFERENCES host(id),
                control TEXT COLLATE "C" NOT NULL,
                justification TEXT COLLATE "C" NOT NULL,
                approved_by TEXT COLLATE "C" NOT NULL,
                recorded_by TEXT COLLATE "C" NOT NULL,
                recorded_at TEXT COLLATE "C" NOT NULL,
                expires_at TEXT COLLATE "C" NOT NULL,
                ended_at TEXT COLLATE "C",
                ended_by TEXT COLLATE "C",
                seq BIGINT GENERATED ALWAYS AS IDENTITY
            )
            """,
            "CREATE INDEX waiver_unit_control ON waiver(unit, control, expires_at)",
            """
            CREATE TABLE attestation (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                unit TEXT COLLATE "C" NOT NULL,
                control TEXT COLLATE "C" NOT NULL,
                attested_on TEXT COLLATE "C" NOT NULL,
                reference TEXT COLLATE "C",
                note TEXT COLLATE "C",
                attested_by TEXT COLLATE "C" NOT NULL,
                recorded_by TEXT COLLATE "C" NOT NULL,
                recorded_at TEXT COLLATE "C" NOT NULL,
                valid_until TEXT COLLATE "C" NOT NULL,
                file_name TEXT COLLATE "C",
                file_type TEXT COLLATE "C",
                file_size BIGINT,
                file_sha256 TEXT COLLATE "C",
                file BYTEA,
                seq BIGINT GENERATED ALWAYS AS IDENTITY
            )
            """,
            "CREATE INDEX attestation_unit_control ON attestation(unit, control, valid_until)",
            """
            CREATE TABLE audit (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at TEXT COLLATE "C" NOT NULL,
                officer TEXT COLLATE "C" NOT NULL,
                role TEXT COLLATE "C" NOT NULL,
                action TEXT COLLATE "C" NOT NULL,
                unit TEXT COLLATE "C",
                host_id TEXT COLLATE "C",
                subject TEXT COLLATE "C",
                detail TEXT COLLATE "C" NOT NULL
            )
            """,
            "CREATE INDEX audit_unit ON audit(unit, id)",
            appendOnlyRefusal,
        ] + refusals(on: "audit", "the audit log is append-only")),

        /// SQLite's `INSERT OR REPLACE` removes the row it conflicts with without firing delete
        /// triggers, so SQLite refuses an existing id on insert. Nothing to do here: PostgreSQL has no
        /// REPLACE, `audit.id` is `GENERATED ALWAYS` and the primary key refuses a duplicate. The
        /// migration stays, empty, so the versions are the same.
        Migration(identifier: "v6-audit-no-replace", statements: []),

        /// The issued reports: what was sent stays what was sent. The scheduled run makes each report
        /// once, whatever happens to the process between its check and its write (partial unique
        /// index). `id` is an identity.
        Migration(identifier: "v7-issued-reports", statements: [
            """
            CREATE TABLE issued_report (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                unit TEXT COLLATE "C" NOT NULL, -- '' for the commune's report
                period_kind TEXT COLLATE "C" NOT NULL,
                period_from TEXT COLLATE "C" NOT NULL,
                period_to TEXT COLLATE "C" NOT NULL,
                format TEXT COLLATE "C" NOT NULL,
                file_name TEXT COLLATE "C" NOT NULL,
                size BIGINT NOT NULL,
                sha256 TEXT COLLATE "C" NOT NULL,
                body BYTEA NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                created_by TEXT COLLATE "C" NOT NULL
            )
            """,
            "CREATE INDEX issued_report_unit ON issued_report(unit, id)",
            """
            CREATE UNIQUE INDEX issued_report_scheduled ON issued_report(unit, period_from, period_to, format)
            WHERE created_by = 'scheduled'
            """,
        ] + refusals(on: "issued_report", "issued reports are kept as issued")),

        /// The incident register. The record of an incident is evidence (Điều 11 khoản 2 điểm a:
        /// "lập biên bản"): nothing in it is rewritten or removed, not even by a bug in the collector.
        /// A user's report is kept as sent; only its acknowledgement is written, once. Jobs get a
        /// kind and an incident. `incident_step.seq`, `evidence_manifest.seq` and `user_report.seq`
        /// stand for `rowid` (`user_report.seq` is kept as sent too); `signature_ok` is a `BOOLEAN`.
        Migration(identifier: "v8-incidents", statements: [
            """
            CREATE TABLE incident (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                unit TEXT COLLATE "C" NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                created_by TEXT COLLATE "C" NOT NULL,
                detected_at TEXT COLLATE "C" NOT NULL,
                detected_by TEXT COLLATE "C" NOT NULL,
                detection TEXT COLLATE "C" NOT NULL CHECK (detection IN ('user-report', 'officer', 'agent', 'external')),
                user_report_id TEXT COLLATE "C"
            )
            """,
            "CREATE INDEX incident_unit ON incident(unit, created_at)",
            // What was known at each moment: a period or a biên bản reads the last revision before
            // its instant, so what was reported for a closed period never changes.
            """
            CREATE TABLE incident_revision (
                incident_id TEXT COLLATE "C" NOT NULL REFERENCES incident(id),
                seq BIGINT NOT NULL,
                at TEXT COLLATE "C" NOT NULL,
                by TEXT COLLATE "C" NOT NULL,
                title TEXT COLLATE "C" NOT NULL,
                signs TEXT COLLATE "C" NOT NULL,
                severity TEXT COLLATE "C" NOT NULL,
                affected_system TEXT COLLATE "C",
                cause TEXT COLLATE "C",
                result TEXT COLLATE "C",
                state TEXT COLLATE "C" NOT NULL CHECK (state IN ('open', 'contained', 'recovered', 'closed')),
                beyond_capacity_at TEXT COLLATE "C",
                reported_to_head_at TEXT COLLATE "C",
                head_name TEXT COLLATE "C",
                PRIMARY KEY (incident_id, seq)
            )
            """,
            """
            CREATE TABLE incident_host (
                incident_id TEXT COLLATE "C" NOT NULL REFERENCES incident(id),
                host_id TEXT COLLATE "C" NOT NULL REFERENCES host(id),
                added_at TEXT COLLATE "C" NOT NULL,
                added_by TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (incident_id, host_id)
            )
            """,
            "CREATE INDEX incident_host_host ON incident_host(host_id)",
            // The id is the PC's message id, so a step sent twice is kept once.
            """
            CREATE TABLE incident_step (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                incident_id TEXT COLLATE "C" NOT NULL REFERENCES incident(id),
                host_id TEXT COLLATE "C" NOT NULL REFERENCES host(id),
                kind TEXT COLLATE "C" NOT NULL,
                at_host TEXT COLLATE "C" NOT NULL,
                received_at TEXT COLLATE "C" NOT NULL,
                actor TEXT COLLATE "C" NOT NULL,
                source TEXT COLLATE "C" NOT NULL,
                outcome TEXT COLLATE "C",
                transaction_id TEXT COLLATE "C",
                job_id TEXT COLLATE "C",
                manifest_id TEXT COLLATE "C",
                detail TEXT COLLATE "C",
                seq BIGINT GENERATED ALWAYS AS IDENTITY
            )
            """,
            "CREATE INDEX incident_step_incident ON incident_step(incident_id, received_at)",
            "CREATE INDEX incident_step_host ON incident_step(host_id, received_at)",
            """
            CREATE TABLE evidence_manifest (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                incident_id TEXT COLLATE "C" NOT NULL REFERENCES incident(id),
                host_id TEXT COLLATE "C" NOT NULL REFERENCES host(id),
                received_at TEXT COLLATE "C" NOT NULL,
                manifest BYTEA NOT NULL,
                manifest_sha256 TEXT COLLATE "C" NOT NULL,
                signature BYTEA,
                certificate TEXT COLLATE "C",
                serial TEXT COLLATE "C",
                signature_ok BOOLEAN NOT NULL,
                sums TEXT COLLATE "C",
                files BIGINT NOT NULL,
                bytes BIGINT NOT NULL,
                sums_sha256 TEXT COLLATE "C" NOT NULL,
                seq BIGINT GENERATED ALWAYS AS IDENTITY
            )
            """,
            "CREATE INDEX evidence_manifest_incident ON evidence_manifest(incident_id)",
            """
            CREATE TABLE user_report (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                host_id TEXT COLLATE "C" NOT NULL REFERENCES host(id),
                uid BIGINT NOT NULL,
                login TEXT COLLATE "C" NOT NULL,
                noticed_at TEXT COLLATE "C" NOT NULL,
                reported_at TEXT COLLATE "C" NOT NULL,
                received_at TEXT COLLATE "C" NOT NULL,
                text TEXT COLLATE "C" NOT NULL,
                acknowledged_at TEXT COLLATE "C",
                acknowledged_by TEXT COLLATE "C",
                incident_id TEXT COLLATE "C" REFERENCES incident(id),
                seq BIGINT GENERATED ALWAYS AS IDENTITY
            )
            """,
            "CREATE INDEX user_report_host ON user_report(host_id, received_at)",
            """
            CREATE TABLE escalation (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                incident_id TEXT COLLATE "C" NOT NULL REFERENCES incident(id),
                recipient TEXT COLLATE "C" NOT NULL,
                sent_at TEXT COLLATE "C" NOT NULL,
                means TEXT COLLATE "C" NOT NULL,
                reference TEXT COLLATE "C",
                note TEXT COLLATE "C",
                recorded_by TEXT COLLATE "C" NOT NULL,
                recorded_at TEXT COLLATE "C" NOT NULL
            )
            """,
            "CREATE INDEX escalation_incident ON escalation(incident_id)",
            #"ALTER TABLE job ADD COLUMN kind TEXT COLLATE "C" NOT NULL DEFAULT 'fix'"#,
            #"ALTER TABLE job ADD COLUMN incident_id TEXT COLLATE "C""#,
        ]
            + ["incident", "incident_revision", "incident_host", "incident_step", "evidence_manifest", "escalation"]
                .flatMap { refusals(on: $0, "the incident register is append-only") }
            + [
                // A user's report is kept as sent; only its acknowledgement is written, once.
                "CREATE TRIGGER user_report_no_delete BEFORE DELETE ON user_report FOR EACH ROW EXECUTE FUNCTION append_only_refusal('users'' reports are kept as sent')",
                "CREATE TRIGGER user_report_no_truncate BEFORE TRUNCATE ON user_report FOR EACH STATEMENT EXECUTE FUNCTION append_only_refusal('users'' reports are kept as sent')",
                """
                CREATE TRIGGER user_report_as_sent BEFORE UPDATE OF id, host_id, uid, login, noticed_at, reported_at, received_at, text, seq ON user_report
                FOR EACH ROW EXECUTE FUNCTION append_only_refusal('users'' reports are kept as sent')
                """,
                """
                CREATE TRIGGER user_report_acknowledged_once BEFORE UPDATE ON user_report
                FOR EACH ROW WHEN (OLD.acknowledged_at IS NOT NULL) EXECUTE FUNCTION append_only_refusal('a user''s report is acknowledged once')
                """,
            ]),

        /// The incidents' issued documents: what was signed and sent stays what was signed and sent
        /// (as `issued_report`). `incident_document.seq` stands for `rowid`.
        Migration(identifier: "v9-incident-documents", statements: [
            """
            CREATE TABLE incident_document (
                id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                incident_id TEXT COLLATE "C" NOT NULL REFERENCES incident(id),
                kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('bien-ban', 'bao-cao')),
                format TEXT COLLATE "C" NOT NULL,
                file_name TEXT COLLATE "C" NOT NULL,
                size BIGINT NOT NULL,
                sha256 TEXT COLLATE "C" NOT NULL,
                bytes BYTEA NOT NULL,
                created_by TEXT COLLATE "C" NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                seq BIGINT GENERATED ALWAYS AS IDENTITY
            )
            """,
            "CREATE INDEX incident_document_incident ON incident_document(incident_id, created_at)",
        ] + refusals(on: "incident_document", "issued documents are kept as issued")),

        /// The unit's catalogues and the bundles made of them; which bundle each report was checked
        /// against (the agent's `policy.bundle.version`) and a newer bundle the PC refused, in its
        /// words ("v3: reason; reason"). A published version is what PCs were told; it stays as told.
        Migration(identifier: "v10-catalogues", statements: [
            """
            CREATE TABLE catalogue_layer (
                kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('commune', 'unit')),
                unit TEXT COLLATE "C" NOT NULL,
                version BIGINT NOT NULL CHECK (version > 0),
                content BYTEA NOT NULL,
                sha256 TEXT COLLATE "C" NOT NULL,
                note TEXT COLLATE "C",
                created_by TEXT COLLATE "C" NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (kind, unit, version)
            )
            """,
            """
            CREATE TABLE bundle (
                unit TEXT COLLATE "C" NOT NULL,
                version BIGINT NOT NULL CHECK (version > 0),
                commune_version BIGINT,
                unit_version BIGINT,
                envelope BYTEA NOT NULL,
                sha256 TEXT COLLATE "C" NOT NULL,
                issued_by TEXT COLLATE "C" NOT NULL,
                issued_at TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (unit, version)
            )
            """,
            "ALTER TABLE report ADD COLUMN bundle_version BIGINT",
            #"ALTER TABLE report ADD COLUMN bundle_refused TEXT COLLATE "C""#,
        ]
            + refusals(on: "catalogue_layer", "published catalogues are kept as published")
            + refusals(on: "bundle", "published bundles are kept as published")),

        /// Pruning by retention. The audit log stays append-only, except below a line a pruning
        /// recorded (`audit_prune`). The line can only be drawn at least 365 days back by the
        /// database's own clock (`now()`, in UTC, written as the store writes times), and the record
        /// of it is append-only. SQLite's trigger conditions have subqueries, which a PostgreSQL
        /// trigger's WHEN cannot: they are plpgsql functions with the same logic and messages.
        Migration(identifier: "v11-retention", statements: [
            """
            CREATE TABLE audit_prune (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                before_at TEXT COLLATE "C" NOT NULL,
                at TEXT COLLATE "C" NOT NULL,
                removed BIGINT NOT NULL
            )
            """,
        ] + refusals(on: "audit_prune", "the audit log is append-only") + [
            """
            CREATE FUNCTION audit_prune_a_year_back() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.before_at COLLATE "C" > to_char((now() AT TIME ZONE 'UTC') - interval '365 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') THEN
                    RAISE EXCEPTION 'the audit log keeps at least a year';
                END IF;
                RETURN NEW;
            END
            $$
            """,
            "CREATE TRIGGER audit_prune_a_year_back BEFORE INSERT ON audit_prune FOR EACH ROW EXECUTE FUNCTION audit_prune_a_year_back()",
            "DROP TRIGGER audit_no_delete ON audit",
            """
            CREATE FUNCTION audit_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF OLD.at COLLATE "C" >= coalesce((SELECT max(before_at) FROM audit_prune), '') THEN
                    RAISE EXCEPTION 'the audit log is append-only';
                END IF;
                RETURN OLD;
            END
            $$
            """,
            "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_no_delete()",
            "CREATE INDEX audit_at ON audit(at)",
        ]),

        /// Unchanged reports: each full report's content digest as the collector computed it, and an
        /// unchanged report's body naming the body that holds its results and inventory.
        Migration(identifier: "v12-unchanged-reports", statements: [
            #"ALTER TABLE report ADD COLUMN content_digest TEXT COLLATE "C""#,
            #"ALTER TABLE report_body ADD COLUMN content_from TEXT COLLATE "C""#,
            "CREATE INDEX report_body_content_from ON report_body(content_from) WHERE content_from IS NOT NULL",
        ]),
    ]

    /// The trigger function that refuses a change with the message its trigger passes, as SQLite's
    /// `RAISE(ABORT, message)`. Made by `v5-waivers-attestations-audit`.
    static let appendOnlyRefusal = """
        CREATE FUNCTION append_only_refusal() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '%', TG_ARGV[0];
        END
        $$
        """

    /// `<table>_no_update`, `<table>_no_delete` (as SQLite's) and `<table>_no_truncate` (PostgreSQL
    /// only): every change of an append-only table refused with `message`.
    /// Released migrations call it: never edit it, write another.
    static func refusals(on table: String, _ message: String) -> [String] {
        let quoted = "'" + message.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        return [
            "CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table) FOR EACH ROW EXECUTE FUNCTION append_only_refusal(\(quoted))",
            "CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION append_only_refusal(\(quoted))",
            "CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION append_only_refusal(\(quoted))",
        ]
    }
}
