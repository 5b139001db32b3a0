"""Domain models of the switchboard: tenants, common numbers, offices, people, referrals, prices."""
