"""What the lifecycle tells the rooms above it (SLA, dispatch, surveys).

Sent inside the transition's transaction, so a receiver's writes commit or roll back
with the transition; receivers queue outside work with ``transaction.on_commit``.
"""

from django.dispatch import Signal

# kwargs: ticket, action, from_status, to_status, actor
ticket_transitioned = Signal()
# kwargs: ticket, actor
ticket_created = Signal()
# kwargs: ticket, event (the TicketEvent), actor; sent by ticket_comment
ticket_commented = Signal()
# kwargs: ticket, milestone (a lifecycle.Milestone), actor, at; sent by events.milestone_record, row locked
ticket_milestone = Signal()
# kwargs: ticket, changes ({field: [old, new]}), actor; sent by ticket_update when something changed
ticket_updated = Signal()
