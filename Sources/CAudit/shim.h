// libaudit for attt's LinuxAudit module (the only importer). Debian: libaudit-dev.
#ifndef ATTT_CAUDIT_SHIM_H
#define ATTT_CAUDIT_SHIM_H

#include <libaudit.h>
#include <unistd.h>
#include <errno.h>
#include <poll.h>
#include <linux/netlink.h>

// struct audit_reply keeps its payload in an anonymous union and audit_rule_data ends in a flexible
// array: reached through these accessors so Swift never guesses their layout.
static inline const struct audit_status *attt_reply_status(const struct audit_reply *r) { return r->status; }
static inline const struct audit_rule_data *attt_reply_rule(const struct audit_reply *r) { return r->ruledata; }
static inline int attt_reply_error(const struct audit_reply *r) { return r->error ? r->error->error : 0; }
static inline const char *attt_rule_buf(const struct audit_rule_data *d) { return d->buf; }
static inline unsigned attt_rule_field(const struct audit_rule_data *d, unsigned i) { return i < AUDIT_MAX_FIELDS ? d->fields[i] : 0; }
static inline unsigned attt_rule_value(const struct audit_rule_data *d, unsigned i) { return i < AUDIT_MAX_FIELDS ? d->values[i] : 0; }
static inline unsigned attt_rule_fieldflag(const struct audit_rule_data *d, unsigned i) { return i < AUDIT_MAX_FIELDS ? d->fieldflags[i] : 0; }
static inline int attt_nlmsg_done(void) { return NLMSG_DONE; }
static inline unsigned attt_audit_operators(void) { return AUDIT_OPERATORS; }
static inline int attt_nlmsg_error(void) { return NLMSG_ERROR; }

#endif
