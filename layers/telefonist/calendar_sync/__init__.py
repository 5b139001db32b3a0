"""Microsoft 365 calendar sync (issue 21): calendar events become referrals by per-customer rules.

`rules` maps one Graph event to a referral (pure); `sync` holds the use cases: the webhook's
validation handshake and `clientState` check, the delta-query catch-up, subscription renewal.
"""
