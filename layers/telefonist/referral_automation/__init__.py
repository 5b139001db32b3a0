"""A referral that keeps itself current: the employee's own status (presets, SMS commands, own page).

Pure domain here (`presets`, `sms_commands`); the use cases (`service`) write through the
self-service write path (`SelfService.set_referral`), which audits every change.
"""
