"""Data access: the only place that talks to DynamoDB. Domain code receives models from here."""
