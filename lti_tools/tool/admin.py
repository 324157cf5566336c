"""Platform administrators register platforms and watch the grade queue in the Django admin."""
from django.contrib import admin
from django.utils import timezone

from . import grades
from .models import Deployment, GradeSubmission, Learner, Platform, RegistrationLink, ResourceLink, ToolKey


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1


@admin.action(description='Approve: may frame our pages')
def approve(modeladmin, request, queryset):
    queryset.update(approved=True)


@admin.action(description='Withdraw approval')
def revoke(modeladmin, request, queryset):
    queryset.update(approved=False)


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ('__str__', 'issuer', 'client_id', 'approved', 'created_at')
    list_filter = ('approved',)
    search_fields = ('name', 'issuer', 'client_id')
    inlines = [DeploymentInline]
    actions = [approve, revoke]


@admin.register(RegistrationLink)
class RegistrationLinkAdmin(admin.ModelAdmin):
    """Links are made with ``magix lti registration-link`` (the token is shown once, only its hash is kept)."""

    list_display = ('__str__', 'created_at', 'expires_at', 'used_at', 'platform')
    readonly_fields = ('token_hash', 'created_at', 'expires_at', 'used_at', 'platform')

    def has_add_permission(self, request):
        return False


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    list_display = ('kid', 'created_at', 'retired_at')
    exclude = ('private_pem',)
    readonly_fields = ('kid', 'created_at', 'retired_at')


@admin.register(Learner)
class LearnerAdmin(admin.ModelAdmin):
    list_display = ('__str__', 'issuer', 'deployment_id', 'subject', 'anonymous_id', 'last_seen')
    search_fields = ('name', 'email', 'subject', 'anonymous_id')


@admin.register(ResourceLink)
class ResourceLinkAdmin(admin.ModelAdmin):
    list_display = ('__str__', 'platform', 'scenario', 'lineitem_url')
    search_fields = ('resource_link_id', 'context_title', 'title', 'scenario')


@admin.action(description='Retry now')
def retry_now(modeladmin, request, queryset):
    queryset.exclude(status=GradeSubmission.SENT).update(status=GradeSubmission.PENDING, next_attempt_at=timezone.now())
    grades.deliver_due(only_ids=queryset.values_list('pk', flat=True))


@admin.register(GradeSubmission)
class GradeSubmissionAdmin(admin.ModelAdmin):
    list_display = ('learner', 'resource_link', 'score_given', 'score_maximum', 'status', 'attempts',
                    'next_attempt_at', 'sent_at')
    list_filter = ('status',)
    readonly_fields = ('timestamp', 'sent_at', 'last_error')
    actions = [retry_now]
