"""Messages for people: pure domain (models, channel choice, templates, SMS and e-mail rendering).

The outbound ports (SMS, e-mail, the message log, the queue) are protocols in `ports`; their
boto3 implementations live in `telefonist.dal`.
"""
