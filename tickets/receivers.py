from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache import cache_forget

from .models import Department, RoutingRule
from .services import ROUTING_CACHE_KEY


@receiver([post_save, post_delete], sender=RoutingRule, dispatch_uid="routing_rule_changed")
@receiver([post_save, post_delete], sender=Department, dispatch_uid="department_changed")
def forget_routing_table(sender, **kwargs):
    cache_forget(ROUTING_CACHE_KEY)
