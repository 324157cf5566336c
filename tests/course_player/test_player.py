"""The course player (the demo's home): the whole demo course for one learner, in English and French.

Real components throughout: the course OLX of ``course_export/demo_course/`` built by the course
tools, Open edX's own ``HtmlBlock`` and capa ``ProblemBlock`` from ``xblocks-contrib`` (graded
by capa's own ``problem_check`` handler), our blocks, SQLite, Django's test client with CSRF.
"""
import html as html_lib
import json
import re
from pathlib import Path

import polib
import pytest

from django.test import Client

from course_export import catalogue
from course_export.olx import DEMO_COURSE
from lti_tools.course_player import course
from lti_tools.results.api import results_for
from tests.scenario.support import page_answering

pytestmark = pytest.mark.django_db
OUTLINE = course.edition('en').outline
CHECK = 'block-v1:MAGIX+AIGOV101+2026+type@problem+block@eligibility-check'
SCENARIO = 'block-v1:MAGIX+AIGOV101+2026+type@magix_scenario+block@eligibility'
TAG = re.compile(r'<[^>]+>')


def page_text(page: str) -> str:
    """What a reader sees: markup, scripts and styles removed (capa ships its problem as an attribute)."""
    inner = [html_lib.unescape(found) for found in re.findall(r'data-content="([^"]*)"', page)]
    text = []
    for part in [page, *inner]:
        part = re.sub(r'<(script|style)\b.*?</\1>', ' ', part, flags=re.S)
        text.append(html_lib.unescape(TAG.sub(' ', part)))
    return ' '.join(' '.join(text).split())


def learner_client(learner='alice', lang=None):
    client = Client(enforce_csrf_checks=True)
    client.get('/' + (f'?lang={lang}' if lang else ''))
    client.post('/learner/', {'learner': learner, 'next': '/'}, HTTP_X_CSRFTOKEN=client.cookies['csrftoken'].value)
    assert client.session['learner'] == learner
    return client


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def post_handler(client, usage_key, handler, data, json_body=True):
    url = f'/course-handler/{usage_key}/{handler}' + ('' if '/' in handler else '/')
    token = client.cookies['csrftoken'].value
    if json_body:
        return client.post(url, json.dumps(data), content_type='application/json', HTTP_X_CSRFTOKEN=token)
    return client.post(url, data, HTTP_X_CSRFTOKEN=token, HTTP_X_REQUESTED_WITH='XMLHttpRequest')


def english_sentences(min_words=4):
    """The source catalogue's texts with a French translation that differs (markup removed)."""
    french = {entry.msgctxt: entry.msgstr for entry in polib.pofile(str(catalogue.CATALOGUE_DIR / 'fr.po'))
              if entry.msgstr and not entry.obsolete}
    for entry in polib.pofile(str(catalogue.CATALOGUE_DIR / catalogue.TEMPLATE_NAME)):
        english = ' '.join(html_lib.unescape(TAG.sub(' ', entry.msgid)).split())
        translated = ' '.join(html_lib.unescape(TAG.sub(' ', french.get(entry.msgctxt, ''))).split())
        if len(english.split()) >= min_words and translated and translated != english \
                and not entry.msgctxt.startswith(('transcript/', 'about/', 'info/', 'policy/', 'grading_policy/')):
            yield entry.msgctxt, english


def test_the_home_page_is_the_course_outline():
    page = get(learner_client(), '/')
    assert '<title>AI, Data and Digital Governance in Public Administration · MAGIX</title>' in page
    for chapter in OUTLINE.chapters:
        assert html_lib.escape(chapter.title) in page
    for unit in OUTLINE.units:
        assert f'href="/unit/{unit.url_name}/"' in page
    assert 'Your progress: 0%' in page and 'href="#magix-main"' in page and '<html lang="en">' in page


@pytest.mark.parametrize('lang', ['en', 'fr'])
def test_every_unit_renders_its_blocks_in_order(lang):
    client = learner_client('reader', lang)
    sentences = list(english_sentences()) if lang == 'fr' else []
    assert lang == 'en' or len(sentences) > 300
    pages = [get(client, '/')]
    for unit in OUTLINE.units:
        page = get(client, f'/unit/{unit.url_name}/')
        assert 'class="cp-problem"' not in page, unit.url_name  # nothing left out
        shown = re.findall(r'data-usage-key="([^"]+)"', page)
        assert shown == [block.usage_key for block in unit.children]
        pages.append(page)
    text = '\n'.join(page_text(page) for page in pages)
    if lang == 'fr':
        assert 'IA, données et gouvernance numérique' in text and 'lang="fr"' in pages[1]
        left = [(key, english) for key, english in sentences if english in text]
        assert left == [], f'{len(left)} English sentences on French pages, e.g. {left[:3]}'
    else:
        assert 'A housing benefit application is refused by a rule engine.' in text


def test_a_knowledge_check_graded_by_capa_reaches_the_credential_widget():
    client = learner_client('carla')
    page = get(client, '/unit/eligibility-unit-check/')
    assert 'data-url="/course-handler/' + CHECK + '/xmodule_handler"' in page
    names = sorted(set(re.findall(r'name=(?:&quot;|")(input_eligibility-check_\d+_\d+)', page)))
    assert len(names) == 2
    answers = {names[0]: 'choice_1',
               names[1]: 'probably not meaningful: it should be checked whether reviewers have the time, '
                         'information and authority to disagree'}
    response = post_handler(client, CHECK, 'xmodule_handler/problem_check', answers, json_body=False)
    assert response.status_code == 200 and response.json()['success'] == 'correct'
    result = results_for('carla', [CHECK])[CHECK]
    assert (result.earned, result.possible) == (2.0, 2.0)  # weight 2, through MagixRuntime.publish
    widget = page_text(get(client, '/unit/credentials-unit/'))
    assert 'Done: Knowledge check: Automated eligibility decisions' in widget
    outline = get(client, '/')
    assert re.search(r'/unit/eligibility-unit-check/">Knowledge check</a>\s*<span class="cp-done">', outline)


def play_first_options(client, usage_key, page):
    """Choose the first option at every step until the scenario ends."""
    for _ in range(20):
        option = re.search(r'name="[^"]+-option" id="[^"]+" value="([^"]+)"', page)
        response = post_handler(client, usage_key, 'choose', {'option': option.group(1), **page_answering(page)}).json()
        if response['status'] == 'finished':
            return
        page = response['html']
    raise AssertionError('the scenario did not end')


def test_a_scenario_played_in_the_course_counts_everywhere():
    client = learner_client('dora')
    page = get(client, '/unit/eligibility-unit-scenario/')
    play_first_options(client, SCENARIO, page)
    assert results_for('dora', [SCENARIO])[SCENARIO].completion == 1.0
    widget = page_text(get(client, '/unit/credentials-unit/'))
    assert 'Done: Scenario: Automated eligibility decisions' in widget
    # The widget links the requirement to the unit that shows it, for the same learner (session).
    assert 'href="/unit/eligibility-unit-scenario/"' in get(client, '/unit/credentials-unit/')


def test_a_scenario_played_on_the_workbench_counts_in_the_course():
    from workbench import scenarios
    scenarios.init_scenarios(reload=True)  # the demo's own list (other tests add and remove scenarios of their own)
    loaded = scenarios.get_scenarios()
    scenario_id = next(name for name, found in loaded.items() if 'url_name="eligibility"' in found.xml)
    client = Client()
    page = client.get(f'/workbench/scenario/{scenario_id}/?student=emil').content.decode()
    usage = re.search(r"data-usage='([^']+)' data-block-type='magix_scenario'", page).group(1)
    for _ in range(20):
        option = re.search(r'name="[^"]+-option" id="[^"]+" value="([^"]+)"', page).group(1)
        body = client.post(f'/workbench/handler/{usage}/choose/?student=emil',
                           json.dumps({'option': option, **page_answering(page)}),
                           content_type='application/json', HTTP_X_CSRFTOKEN=client.cookies['csrftoken'].value).json()
        if body['status'] == 'finished':
            break
        page = body['html']
    course_client = learner_client('emil')
    assert re.search(r'/unit/eligibility-unit-scenario/">Scenario exercise</a>\s*<span class="cp-done">',
                     get(course_client, '/'))


def test_learner_identity_is_kept_and_newcomers_do_not_share_one():
    first, second = Client(), Client()
    first.get('/')
    second.get('/')
    assert first.session['learner'] != second.session['learner']
    assert first.session['learner'].startswith('learner-')
    page = get(first, '/unit/eligibility-unit-intro/')
    assert f'value="{first.session["learner"]}"' in page
    refused = first.post('/learner/', {'learner': '<script>'})
    assert refused.status_code == 400 and 'Learner id not changed' in refused.content.decode()


def test_the_course_team_sees_editors_author_views_and_statistics():
    client = learner_client('staff-anna')
    assert client.get('/statistics/').status_code == 403
    client.post('/staff/', {'staff': 'on', 'next': '/unit/eligibility-unit-scenario/'},
                HTTP_X_CSRFTOKEN=client.cookies['csrftoken'].value)
    page = get(client, '/unit/eligibility-unit-scenario/')
    assert '<summary lang="en">Author view</summary>' in page and '<summary lang="en">Studio editor</summary>' in page
    assert 'aria-pressed="true"' in page
    statistics = get(client, '/statistics/')
    assert '<code>problem/eligibility-check</code>' in statistics and 'Mean score' in statistics


def test_a_unit_pointing_at_a_missing_file_shows_a_notice(tmp_path, monkeypatch):
    import shutil
    source = tmp_path / 'course'
    shutil.copytree(DEMO_COURSE, source)
    (source / 'problem' / 'eligibility-check.xml').unlink()
    (source / 'vertical' / 'eligibility-unit-intro.xml').write_text(
        '<vertical display_name="Introduction">\n  <html url_name="eligibility-intro"/>\n'
        '  <video url_name="no-such-video"/>\n</vertical>\n')
    monkeypatch.setattr(course, 'DEMO_COURSE', source)
    broken = course.edition('en', str(source))
    monkeypatch.setattr('lti_tools.course_player.views.current_edition', lambda request: broken)
    client = learner_client('fay')
    page = get(client, '/unit/eligibility-unit-check/')
    assert 'its file problem/eligibility-check.xml is missing from the course' in page
    page = get(client, '/unit/eligibility-unit-intro/')
    assert 'its file video/no-such-video.xml is missing from the course' in page


def test_a_problem_running_custom_python_is_refused_clearly(tmp_path, monkeypatch):
    import shutil
    source = tmp_path / 'course'
    shutil.copytree(DEMO_COURSE, source)
    (source / 'problem' / 'eligibility-check.xml').write_text(
        '<problem display_name="Python"><script type="loncapa/python">import os\nos.system("id")</script>'
        '<customresponse cfn="check"><textline/></customresponse></problem>\n')
    broken = course.edition('en', str(source))
    monkeypatch.setattr('lti_tools.course_player.views.current_edition', lambda request: broken)
    client = learner_client('gus')
    page = get(client, '/unit/eligibility-unit-check/')
    assert 'runs custom Python code on the server, which this demo does not do' in page
    response = post_handler(client, CHECK, 'xmodule_handler/problem_check', {'input_x': '1'}, json_body=False)
    assert response.status_code == 400 and 'custom Python' in response.json()['error']


def test_a_language_without_a_course_catalogue_gets_english_with_a_notice():
    client = learner_client('hugo', 'de')
    page = get(client, '/unit/eligibility-unit-intro/')
    assert '<html lang="de">' in page and 'role="status"' in page
    assert 'lang="en"' in page and 'Why this module' in page_text(page)
    assert course.edition('de').notice == course.NO_CATALOGUE


def test_an_incomplete_catalogue_is_not_offered(tmp_path):
    po = polib.pofile(str(catalogue.CATALOGUE_DIR / 'fr.po'))
    for entry in list(po)[:5]:
        entry.msgstr = ''
    po.save(str(tmp_path / 'xx.po'))
    found = course.edition('xx', folder=str(tmp_path))
    assert (found.language, found.notice) == ('en', course.INCOMPLETE)
    (tmp_path / 'yy.po').write_text('not a catalogue "')
    assert course.edition('yy', folder=str(tmp_path)).notice in (course.UNREADABLE, course.INCOMPLETE)


def test_handlers_refuse_blocks_outside_the_course_and_course_files_are_served():
    client = learner_client('ivy')
    assert client.post('/course-handler/block-v1:MAGIX+AIGOV101+2026+type@problem+block@nope/x/').status_code in (403, 404)
    assert Client().get('/course-handler/block-v1:MAGIX+AIGOV101+2026+type@problem+block@nope/x/').status_code == 404
    assert Client().get('/course-static/eligibility-video-en.srt').status_code == 200
    assert Client().get('/course-static/../course.xml').status_code == 404
    assert Client().get('/course-resource/problem/public/js/ProblemBlockDisplay.js').status_code == 200
    assert Client().get('/course-resource/problem/../capa_block.py').status_code == 404


def test_a_block_titled_like_its_unit_does_not_repeat_the_heading(tmp_path, monkeypatch):
    """The unit's <h1> is the page title: the scenario block gets ``page_title`` and shows no <h2> of the same."""
    import shutil
    source = tmp_path / 'course'
    shutil.copytree(DEMO_COURSE, source)
    client = learner_client('jo')
    page = get(client, '/unit/eligibility-unit-scenario/')
    assert 'class="magix-scenario__title"' in page  # titled differently: the block shows its own <h2>
    (source / 'vertical' / 'eligibility-unit-scenario.xml').write_text(
        '<vertical display_name="Automated eligibility decisions and the people they affect">\n'
        '  <magix_scenario url_name="eligibility"/>\n</vertical>\n')
    renamed = course.edition('en', str(source))
    monkeypatch.setattr('lti_tools.course_player.views.current_edition', lambda request: renamed)
    page = get(client, '/unit/eligibility-unit-scenario/')
    assert re.search(r'<h1 lang="en">Automated eligibility decisions and the people they affect</h1>', page)
    assert 'magix-scenario__title' not in page
