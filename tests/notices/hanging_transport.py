"""A transport that takes its time, so a test can kill the worker between the claim and the send."""

import time

from notices.transports import EmailTransport


class HangingEmailTransport(EmailTransport):
    def send(self, notice, subject, body):
        time.sleep(60)
        return super().send(notice, subject, body)
