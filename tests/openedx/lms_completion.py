"""Run by test_completion.py in a process of its own: Django set up as the LMS has edx-completion.

Real ``completion`` app (its models on SQLite, migrated), real ``waffle`` switch, real
``CompletionService``; prints what our credential code read through them, as JSON.
"""
import json
import sys

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth', 'waffle', 'completion',
                    'eventtracking.django.apps.EventTrackingConfig'],  # completion emits tracking events
    EVENT_TRACKING_ENABLED=True, EVENT_TRACKING_BACKENDS={},
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': sys.argv[1]}},
    USE_TZ=True, SECRET_KEY='lms-completion-test', DEFAULT_AUTO_FIELD='django.db.models.AutoField',
)
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from edx_django_utils.cache import RequestCache  # noqa: E402
from django.core.management import call_command  # noqa: E402

call_command('migrate', verbosity=0)

from completion.models import BlockCompletion  # noqa: E402
from completion.services import CompletionService  # noqa: E402
from completion.waffle import ENABLE_COMPLETION_TRACKING_SWITCH  # noqa: E402
from opaque_keys.edx.keys import CourseKey, UsageKey  # noqa: E402
from waffle.models import Switch  # noqa: E402

from xblocks.credentials import openedx  # noqa: E402
from xblocks.credentials.sources import CompletionServiceSource  # noqa: E402

COURSE = 'course-v1:MAGIX+AIGOV101+2026'
HERE = 'block-v1:MAGIX+AIGOV101+2026+type@magix_scenario+block@eligibility'
HALF = 'block-v1:MAGIX+AIGOV101+2026+type@problem+block@check'
ELSEWHERE = 'block-v1:MAGIX+AIGOV201+2026+type@magix_scenario+block@procurement'


class NoOtherResults:
    def results_for(self, keys):
        return {}


learner = User.objects.create(username='ana')
other = User.objects.create(username='ben')
source = CompletionServiceSource(CompletionService(learner, CourseKey.from_string(COURSE)), COURSE, NoOtherResults())
report = {'switch': ENABLE_COMPLETION_TRACKING_SWITCH.name,
          'before_switch': {key: result.completion for key, result in source.results_for([HERE]).items()}}
Switch.objects.create(name=ENABLE_COMPLETION_TRACKING_SWITCH.name, active=True)
# A new request: edx-toggles keeps the switch's earlier "off" in the request cache, which the
# LMS's RequestCacheMiddleware clears between requests.
cache.clear()
RequestCache.clear_all_namespaces()
for user, key, value in ((learner, HERE, 1.0), (learner, HALF, 0.5), (learner, ELSEWHERE, 1.0), (other, ELSEWHERE, 0.25)):
    BlockCompletion.objects.submit_completion(user=user, block_key=UsageKey.from_string(key), completion=value)

report['current_course'] = {key: result.completion for key, result in source.results_for([HERE, HALF, ELSEWHERE]).items()}
usages, _ = openedx.split_keys([HERE, ELSEWHERE])
for label, user_id in (('other_courses_learner', learner.id), ('other_courses_everyone', None)):
    by_user = {learner.id: {}, other.id: {}}
    openedx.other_course_completions(BlockCompletion, by_user, usages, user_id, COURSE)
    report[label] = {User.objects.get(id=uid).username: {key: r.completion for key, r in rows.items()}
                     for uid, rows in by_user.items() if rows}
report['lms_models'] = openedx.lms_models() is not None  # completion is here, the LMS's own apps are not
print(json.dumps(report))
