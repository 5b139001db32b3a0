"""Statistics of a customer's calls: contact events from CTRs and their daily aggregates (issue 20)."""
