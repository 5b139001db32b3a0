"""functions/inbound_sms: SMS commands from employees (AWS End User Messaging SMS two-way, via SNS)."""
