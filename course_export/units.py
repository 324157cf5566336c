"""The translatable units of a course: where they are, their stable keys, how a translation goes back.

Extraction and translation walk the same ``Slot``s, so a built course re-extracts to the same
keys. A key (the gettext ``msgctxt``) is ``<block type>/<url_name>@<field path>``:

- ``chapter/eligibility-module@display_name`` (every block's ``display_name``);
- ``html/eligibility-intro@body[3]``: HTML is split into block-level units (paragraphs, list
  items, headings, table cells) with their inline markup kept inside the unit;
- ``problem/eligibility-check@response[1]/choice[2]``, ``.../choice[2]/hint``, ``.../label``,
  ``.../option[1]``, ``.../solution[1]``, ``demandhint/hint[1]``, ``body[1]`` (the stem);
- ``magix_scenario/eligibility@step[assess]/option[refuse]/consequence`` (a rich field with
  several units numbers them: ``.../consequence[2]``), ``@dimension[legality]``, ``@image/alt``;
- ``magix_credential_progress/<url_name>@micro-credential[eligibility]/title``... (ids are unique in a
  pathway, so they start the path; source-language texts; a translation becomes the ``xml:lang`` sibling);
- ``policy/<run>@course/<run>/display_name``, ``grading_policy/<run>@GRADER[<type>]/short_label``,
  ``about/overview@body[2]``, ``info/updates@body[1]``, ``static_tab/<page>@body[1]``,
  ``transcript/<file>@cue[4]`` (``.srt`` or ``.sjson`` in the source language).

The ``msgid`` is the English text with whitespace runs collapsed; markup stays as written.
"""
from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator

from lxml import etree

from .olx import CREDENTIAL_TAG, SCENARIO_TAG, CourseError, CourseTree, course_run, parse_xml
from .slots import (BLOCK_TAGS, AttributeSlot, CueSlot, Document, FragmentDocument, JsonDocument, JsonKeySlot,
                    JsonSlot, LanguageVariantSlot, LooseTextSlot, MarkupSlot, OutcomeSlot, SjsonDocument,
                    SPACES, SrtDocument, Unit, XmlDocument, XML_LANG, normalise)

SOURCE_LANGUAGE = 'en'
RESPONSE_TAGS = frozenset({
    'multiplechoiceresponse', 'choiceresponse', 'optionresponse', 'stringresponse', 'numericalresponse',
    'formularesponse', 'customresponse', 'truefalseresponse', 'choicetextresponse',
})
SKIPPED_TAGS = frozenset({'script', 'style', 'code'})


# ---------------------------------------------------------------- where the units are

def rich_slots(container, base, path, comment, numbered=False, exclude=()):
    """Slots of an XHTML container: one per block-level unit (or one for inline-only content).

    ``numbered``: always ``base[n]`` (HTML bodies); otherwise ``base`` when there is one unit.
    """
    found = []

    # The elements with a block element inside, found in one pass (asking each element costs a pass each).
    with_blocks = set()
    # (Not ``iterdescendants(*BLOCK_TAGS)``: lxml builds a matcher of the 38 tags on every call, which
    # costs ten times what testing each descendant's tag here does.)
    for node in container.iterdescendants():
        if node.tag not in BLOCK_TAGS:
            continue
        for ancestor in node.iterancestors():
            if ancestor in with_blocks:
                break
            with_blocks.add(ancestor)
            if ancestor is container:
                break

    # ``text.strip(SPACES)``: whether ``normalise(text)`` would keep anything, without building it.
    def walk(element):
        tag = element.tag
        if tag in SKIPPED_TAGS or tag in exclude:
            return
        if element not in with_blocks:
            if (element.text or '').strip(SPACES) or ''.join(element.itertext()).strip(SPACES):
                found.append(lambda key, e=element: MarkupSlot(e, key, path, comment, exclude))
            else:
                for image in element.iter('img'):
                    if image.get('alt', '').strip():
                        found.append(lambda key, e=image: AttributeSlot(e, 'alt', key + '/alt', path,
                                                                        'Image text alternative'))
            return
        if (element.text or '').strip(SPACES):
            found.append(lambda key, e=element: LooseTextSlot(e, 'text', key, path, comment))
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            if (child.tail or '').strip(SPACES):
                found.append(lambda key, e=child: LooseTextSlot(e, 'tail', key, path, comment))

    walk(container)
    del walk  # a recursive closure is a reference cycle: without it, what it holds is freed now
    if len(found) == 1 and not numbered:
        return [found[0](base)]
    return [make(f'{base}[{index}]') for index, make in enumerate(found, 1)]


def block_key(tag, url_name):
    return f'{tag}/{url_name}'


BLOCK_NAMES = {'course': 'the course', 'chapter': 'a section (module)', 'sequential': 'a subsection',
               'vertical': 'a unit', 'html': 'a text page', 'video': 'a video', 'problem': 'a problem'}


def title_comment(tag):
    return f'Title of {BLOCK_NAMES.get(tag, f"a {tag} block")}'


def structure_slots(document, root, key):
    """``display_name`` of a block and of the inline blocks in it that carry a ``url_name``."""
    document.add(AttributeSlot(root, 'display_name', f'{key}@display_name', document.path, title_comment(root.tag)))
    for child in root.iterdescendants():
        if isinstance(child.tag, str) and child.get('url_name') and child.get('display_name'):
            document.add(AttributeSlot(child, 'display_name', f'{child.tag}/{child.get("url_name")}@display_name',
                                       document.path, title_comment(child.tag)))


def problem_slots(document, root, key):
    """Stem, labels, descriptions, choices, options, hints and solutions of a CAPA problem."""
    document.add(AttributeSlot(root, 'display_name', f'{key}@display_name', document.path, title_comment('problem')))
    path = document.path
    counters = {}

    def count(scope, kind):
        counters[scope, kind] = counters.get((scope, kind), 0) + 1
        return counters[scope, kind]

    def visit(element, scope):
        prefix = f'{key}@{scope}/' if scope else f'{key}@'
        for child in element:
            tag = child.tag  # (lxml makes the string at each access)
            if not isinstance(tag, str) or tag in SKIPPED_TAGS:
                continue
            if tag in RESPONSE_TAGS:
                visit(child, f'response[{count("", "response")}]')
            elif tag in ('label', 'description'):
                name = tag if tag == 'label' else f'description[{count(scope, tag)}]'
                document.add(MarkupSlot(child, prefix + name, path, f'Problem {tag}'))
            elif tag in ('choice', 'option'):
                number = count(scope, tag)
                hint_tag = 'choicehint' if tag == 'choice' else 'optionhint'
                document.add(MarkupSlot(child, f'{prefix}{tag}[{number}]', path,
                                        f'Answer {tag} of a problem', exclude={hint_tag}))
                for hint in child.iter(hint_tag):
                    document.add(MarkupSlot(hint, f'{prefix}{tag}[{number}]/hint', path,
                                            'Feedback shown when the learner picks this answer'))
            elif tag == 'solution':
                for slot in rich_slots(child, f'{prefix}solution', path, 'Explanation shown after answering',
                                       numbered=True):
                    document.add(slot)
            elif tag == 'demandhint':
                for hint in child.iter('hint'):
                    document.add(MarkupSlot(hint, f'{key}@demandhint/hint[{count("demandhint", "hint")}]', path,
                                            'Hint the learner can ask for'))
            elif tag in ('choicegroup', 'checkboxgroup', 'radiogroup', 'optioninput', 'textline'):
                visit(child, scope)
            elif tag == 'compoundhint':
                document.add(MarkupSlot(child, f'{prefix}compoundhint[{count(scope, tag)}]', path,
                                        'Feedback for a combination of answers'))
            elif tag in BLOCK_TAGS:
                for slot in rich_slots(child, f'{prefix}body[{count(scope, "body")}]', path, 'Problem text'):
                    document.add(slot)

    visit(root, '')
    del visit  # a recursive closure is a reference cycle: without it, the document is freed once used


def scenario_slots(document, root, key):
    """Every text of a scenario (see ``xblocks/scenario/SCENARIO_FORMAT.md``)."""
    path = document.path
    document.add(AttributeSlot(root, 'display_name', f'{key}@display_name', path, 'Title of a scenario'))
    scenario = root if root.tag == 'scenario' else root.find('scenario')
    if scenario is None:
        return

    def rich(element, field, comment):
        if element is not None:
            for slot in rich_slots(element, f'{key}@{field}', path, comment):
                document.add(slot)

    def text(element, field, comment):
        if element is not None:
            document.add(MarkupSlot(element, f'{key}@{field}', path, comment))

    rich(scenario.find('introduction'), 'introduction', 'Scenario introduction')
    image = scenario.find('image')
    if image is not None:
        document.add(AttributeSlot(image, 'alt', f'{key}@image/alt', path, 'Image text alternative'))
    text(scenario.find('role'), 'role', "The learner's role in the scenario")
    for dimension in scenario.iterfind('dimensions/dimension'):
        text(dimension, f'dimension[{dimension.get("id", "")}]', 'Name of a competency dimension (short)')
    for step in scenario.iterfind('step'):
        step_key = f'step[{step.get("id", "")}]'
        document.add(AttributeSlot(step, 'title', f'{key}@{step_key}/title', path, 'Short step title (diagram)'))
        rich(step.find('situation'), f'{step_key}/situation', 'Situation at this step')
        text(step.find('question'), f'{step_key}/question', 'Question at this step')
        text(step.find('reflection'), f'{step_key}/reflection', 'Reflection prompt (free text, not graded)')
        for index, option in enumerate(step.iterfind('option'), 1):
            option_key = f'{step_key}/option[{option.get("id") or index}]'
            text(option.find('text'), f'{option_key}/text', 'A choice the learner can make (plain text)')
            rich(option.find('consequence'), f'{option_key}/consequence', 'What happens after this choice')
            rich(option.find('feedback'), f'{option_key}/feedback', 'Why this choice was wise or unwise')
    for ending in scenario.iterfind('ending'):
        ending_key = f'ending[{ending.get("id", "")}]'
        document.add(AttributeSlot(ending, 'title', f'{key}@{ending_key}/title', path, 'Short ending title'))
        rich(ending.find('debrief'), f'{ending_key}/debrief', 'Debrief of this ending')


def pathway_slots(document, root, key, language):
    """The source-language texts of a credential pathway (see ``xblocks/credentials/PATHWAY_FORMAT.md``)."""
    path = document.path
    document.add(AttributeSlot(root, 'display_name', f'{key}@display_name', path, 'Title of the progress widget'))
    pathway = root if root.tag == 'pathway' else root.find('pathway')
    if pathway is None:
        return
    source = pathway.get('default-language') or SOURCE_LANGUAGE

    def named(element):
        """Elements with an ``id`` start the path (ids are unique in a pathway); requirements use their target."""
        target = element.get('usage') or element.get('key') or element.get('ref')
        if target:
            return f'{element.tag}[{target.rsplit("@", 1)[-1]}]'
        return f'{element.tag}[{element.get("id")}]' if element.get('id') else element.tag

    def walk(element, field):
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.get(XML_LANG) not in (None, source):
                continue
            if child.get('id'):
                child_field = named(child)
            else:
                child_field = f'{field}/{named(child)}' if field else named(child)
            if child.tag == 'learning-outcomes':
                for index, _ in enumerate(child.iterfind('outcome')):
                    document.add(OutcomeSlot(child, index, language, f'{key}@{child_field}/outcome[{index + 1}]',
                                             path, 'Learning outcome'))
            elif child.get(XML_LANG) == source:
                document.add(LanguageVariantSlot(child, language, f'{key}@{child_field}', path,
                                                 f'Credential {child.tag}'))
            else:
                walk(child, child_field)

    walk(pathway, '')
    del walk  # (a reference cycle, as in ``rich_slots``)


def video_transcripts(root) -> dict[str, str]:
    """``language -> file in static/`` of a video block (``<transcript>`` children and ``transcripts``)."""
    found = {}
    raw = root.get('transcripts')
    if raw:
        try:
            found.update(json.loads(raw))
        except ValueError:
            pass
    for transcript in root.iterfind('transcript'):
        if transcript.get('language') and transcript.get('src'):
            found[transcript.get('language')] = transcript.get('src')
    if root.get('sub') and SOURCE_LANGUAGE not in found:
        found[SOURCE_LANGUAGE] = f'subs_{root.get("sub")}.srt.sjson'  # the legacy English transcript
    return found


# ---------------------------------------------------------------- the whole course

def html_files(tree: CourseTree, parsed: dict | None = None) -> dict[str, str]:
    """``html/<file>.html -> url_name`` of the ``html`` block that shows it.

    ``parsed``: receives the roots read here, so a walk given it does not parse them again.
    """
    found = {}
    for path in tree:
        if path.startswith('html/') and path.endswith('.xml'):
            root = parse_xml(tree[path], path)
            if parsed is not None:
                parsed[path] = root
            if root.get('filename'):
                found[f'html/{root.get("filename")}.html'] = path[len('html/'):-len('.xml')]
    return found


TRANSCRIPT_SUFFIXES = ('.srt', '.sjson')


def source_transcripts(tree: CourseTree, language: str = SOURCE_LANGUAGE, parsed: dict | None = None) -> dict[str, str]:
    """``static/<file> -> video url_name`` for the transcripts in the source language (``parsed``: see ``html_files``)."""
    found = {}
    for path in tree:
        if path.startswith('video/') and path.endswith('.xml'):
            root = parse_xml(tree[path], path)
            if parsed is not None:
                parsed[path] = root
            source = video_transcripts(root).get(language)
            if source and source.endswith(TRANSCRIPT_SUFFIXES) and f'static/{source}' in tree:
                found[f'static/{source}'] = path[len('video/'):-len('.xml')]
    return found


# Descendants that are blocks of their own (``url_name``): where the outline goes next.
NAMED_DESCENDANTS = etree.XPath('.//*[@url_name != ""]')


# An ASCII-compatible encoding declared (or none): the file's names can then be looked for as bytes.
# How an XML file starts: a UTF-8 byte order mark, spaces, ``<``; the encoding its declaration names, if any.
_XML_START = re.compile(rb'(?:\xef\xbb\xbf)?\s*<(?:\?xml[^>]*?encoding\s*=\s*["\']([^"\']*))?')
_ASCII_COMPATIBLE = frozenset({b'utf-8', b'utf8', b'us-ascii', b'ascii', b'iso-8859-1', b'latin-1', b'latin1'})


def bytes_tell(data: bytes) -> bool:
    """Whether an XML file's names can be looked for in its bytes: an ASCII-compatible encoding
    (UTF-16 has NUL bytes, EBCDIC does not start with ``<``) and no other declared."""
    if b'\x00' in data:
        return False
    start = _XML_START.match(data)
    return start is not None and (start.group(1) is None or start.group(1).lower() in _ASCII_COMPATIBLE)


def owns(share: tuple) -> Callable[[int], bool]:
    """Whether the walk's file ``i`` is in a share ``(mine, shares)``: ``shares`` processes take
    turns (``i % shares == mine``), or ``shares`` is the turns themselves (file ``i`` goes to
    process ``shares[i % len(shares)]``; a busier process can take fewer)."""
    mine, shares = share
    turns = tuple(range(shares)) if isinstance(shares, int) else tuple(shares)
    if turns == (mine,):
        return lambda index: True
    return lambda index: turns[index % len(turns)] == mine


def walk(tree: CourseTree, parsed: dict | None = None, share: tuple = (0, 1)):
    """``(path, parsed root or None, place)`` for every file, in reading order; outline XML parsed once.

    The course outline comes first (depth first from ``course.xml``), then the files it does not
    reach (about, info and policies first). ``place`` says where a file sits ("Module 1 › The
    case"; '' outside the outline). A consumer may change a root it receives: what the walk
    follows from it was read before it was handed over.

    ``share``: a process that makes documents of the walk's files in its share only (``owns``)
    gets ``None`` for the others' roots when their bytes show they lead nowhere: no ``url_name``
    (block), ``filename`` (HTML file) or ``<video`` (``bytes_tell``). Those are not parsed (a
    malformed one is reported by its owner), and no file that leads nowhere is searched.
    """
    seen = set()
    parsed = {} if parsed is None else parsed
    mine = owns(share)
    position = 0  # of the next file yielded

    def visit(start):
        """Depth first from ``start``, with a stack of what each file points to (no generator per file)."""
        nonlocal position
        stack = [iter([(start, [], '')])]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
                continue
            path, trail, place = item  # place: the trail as shown
            if path in seen or path not in tree:
                continue
            seen.add(path)
            root, leads, named = None, False, False
            if path.endswith('.xml'):
                data = tree[path]
                named = b'url_name' in data or not bytes_tell(data)
                leads = named or b'filename' in data or b'<video' in data
                root = parsed.pop(path, None)
                if root is None and (leads or mine(position)):
                    root = parse_xml(data, path)
            following = []
            if leads and root is not None:  # (a file that leads nowhere is not searched)
                tag, title = root.tag, root.get('display_name')
                if tag == 'html' and root.get('filename'):
                    following.append((f'html/{root.get("filename")}.html', trail, place))
                if tag == 'video':
                    following += [(f'static/{source}', trail, place) for source in video_transcripts(root).values()]
                if named:
                    inner, inner_place = trail, place
                    if title and tag in ('chapter', 'sequential', 'vertical'):
                        inner = trail + [normalise(title)]
                        inner_place = ' › '.join(inner)
                    following += [(f'{element.tag}/{element.get("url_name")}.xml', inner, inner_place)
                                  for element in NAMED_DESCENDANTS(root)]
            yield path, root, place
            position += 1
            if following:
                stack.append(iter(following))

    run, _ = course_run(tree)
    yield from visit('course.xml')
    yield from visit(f'course/{run}.xml')
    rest = sorted(path for path in tree if path not in seen)
    first = [p for p in rest if p.startswith(('about/', 'info/', 'policies/'))]
    for path in first + [p for p in rest if p not in first]:
        yield path, None, ''  # parsed by whoever needs it (a static .xml file need not be OLX)


def outline(tree: CourseTree) -> tuple[list[str], dict[str, str]]:
    """The course's files in reading order (course outline first) and where each sits in the outline.

    Catalogues then read like the course, and each entry can say "In: Module 1 › The case".
    """
    order, places = [], {}
    for path, _, place in walk(tree):
        order.append(path)
        if place:
            places[path] = place
    return order, places


# Folders of course-level HTML pages: key prefix and translator note.
COURSE_PAGES = {'about': ('about', 'Course about page'), 'info': ('info', 'Course updates and handouts'),
                'tabs': ('static_tab', 'Course page (custom tab)')}


def documents(tree: CourseTree, language: str = SOURCE_LANGUAGE) -> list[Document]:
    """Every course file that holds translatable text, parsed, with its slots, in reading order."""
    return list(iter_documents(tree, language))


def iter_documents(tree: CourseTree, language: str = SOURCE_LANGUAGE) -> Iterator[Document]:
    """``documents``, one at a time: each file is parsed once and can be dropped once used.

    ``language`` is the language translations will be written in (where a format keeps languages
    side by side, as credential pathways do).
    """
    for _, document in indexed_documents(tree, language):
        yield document


def indexed_documents(tree: CourseTree, language: str = SOURCE_LANGUAGE, share: tuple = (0, 1),
                      progress: list[int] | None = None) -> Iterator[tuple[int, Document]]:
    """``iter_documents`` with each document's place in the walk; only the walk's files in ``share``
    (``owns``) are made documents (processes sharing the work each take one share).

    ``progress[0]`` is kept at the walk's file being read, so whoever meets an error knows where
    in the reading order it happened.
    """
    run, _ = course_run(tree)
    parsed = {}  # the block files read to find bodies and transcripts, handed to the walk
    bodies = html_files(tree, parsed)
    transcripts = source_transcripts(tree, parsed=parsed)
    mine = owns(share)
    for index, (path, root, place) in enumerate(walk(tree, parsed, share)):
        if progress is not None:
            progress[0] = index
        if not mine(index):
            continue
        data = tree[path]
        parts = path.split('/')
        stem = parts[-1].rsplit('.', 1)[0]
        document = None
        if path in bodies:
            document = FragmentDocument(path, data)
            for slot in rich_slots(document.root, f'html/{bodies[path]}@body', path, 'Part of a page (paragraph, heading or list item)',
                                   numbered=True):
                document.add(slot)
        elif len(parts) == 2 and parts[0] in COURSE_PAGES and path.endswith('.html'):
            document = FragmentDocument(path, data)
            prefix, comment = COURSE_PAGES[parts[0]]
            for slot in rich_slots(document.root, f'{prefix}/{stem}@body', path, comment, numbered=True):
                document.add(slot)
        elif path == f'policies/{run}/policy.json':
            document = JsonDocument(path, data)
            policy_slots(document, f'policy/{run}')
        elif path == f'policies/{run}/grading_policy.json':
            document = JsonDocument(path, data)
            for grader in document.value.get('GRADER', []):
                if isinstance(grader, dict) and isinstance(grader.get('short_label'), str):
                    document.add(JsonSlot(grader, 'short_label',
                                          f'grading_policy/{run}@GRADER[{grader.get("type")}]/short_label', path,
                                          'Short label of an assignment type (progress chart, a few letters)'))
        elif path in transcripts:
            document = (SjsonDocument if path.endswith('.sjson') else SrtDocument)(path, data)
            for index, cue in enumerate(document.cues, 1):
                document.add(CueSlot(cue, f'transcript/{parts[-1]}@cue[{index}]', path,
                                     f'Subtitle {cue["timing"]} of video {transcripts[path]}'))
        elif len(parts) == 2 and path.endswith('.xml') and parts[0] not in ('static', 'policies'):
            document = XmlDocument(path, data, root)
            key = block_key(parts[0], stem)
            if parts[0] == 'problem':
                problem_slots(document, document.root, key)
            elif parts[0] == SCENARIO_TAG:
                scenario_slots(document, document.root, key)
            elif parts[0] == CREDENTIAL_TAG:
                pathway_slots(document, document.root, key, language)
            elif parts[0] == 'html' and not document.root.get('filename'):
                structure_slots(document, document.root, key)
                for slot in rich_slots(document.root, f'{key}@body', path, 'Part of a page (paragraph, heading or list item)', numbered=True):
                    document.add(slot)
            else:
                structure_slots(document, document.root, key)
        if document is not None and document.slots:
            if place:
                for slot in document.slots:
                    slot.comment = f'{slot.comment}. In: {place}' if slot.comment else f'In: {place}'
            yield index, document


def policy_slots(document, base):
    """Display values of ``policy.json``: block display names, tab names, discussion topics, certificate names."""
    for entry, settings in document.value.items():
        if not isinstance(settings, dict):
            continue
        for name in ('display_name', 'cert_name_short', 'cert_name_long'):
            if isinstance(settings.get(name), str):
                document.add(JsonSlot(settings, name, f'{base}@{entry}/{name}', document.path, f'Course setting {name}'))
        for tab in settings.get('tabs', []) or []:
            if isinstance(tab, dict) and isinstance(tab.get('name'), str):
                document.add(JsonSlot(tab, 'name', f'{base}@{entry}/tabs[{tab.get("type")}]/name', document.path,
                                      'Name of a course tab'))
        topics = settings.get('discussion_topics')
        if isinstance(topics, OrderedDict):
            for topic, value in list(topics.items()):
                topic_id = value.get('id') if isinstance(value, dict) else topic
                document.add(JsonKeySlot(topics, topic, f'{base}@{entry}/discussion_topics[{topic_id}]',
                                         document.path, 'Name of a discussion topic'))


def extract(tree: CourseTree) -> list[Unit]:
    """Every translatable unit of a course, in reading order; keys are unique."""
    return list(iter_units(tree))


def iter_units(tree: CourseTree) -> Iterator[Unit]:
    """``extract``, one unit at a time (only the keys seen so far are kept, to refuse duplicates)."""
    seen = {}
    for document in iter_documents(tree):
        for slot in document.slots:
            unit = slot_unit(slot)
            if unit.key in seen:
                raise duplicate_key(unit.key, seen[unit.key], unit.path)
            seen[unit.key] = unit.path
            yield unit


def slot_unit(slot) -> Unit:
    return Unit(slot.key, slot.english, slot.path, slot.comment, slot.markup)  # as read by ``add``


def duplicate_key(key: str, first: str, path: str) -> CourseError:
    return CourseError(f'Two texts have the key {key} ({first} and {path}); '
                       'give the blocks or scenario nodes distinct ids.')


def source_translations(tree: CourseTree, language: str) -> dict[str, str]:
    """``key -> text`` the source already holds in ``language`` (pathway ``xml:lang`` variants).

    ``magix i18n update`` fills empty catalogue entries with them, so a pathway written in
    several languages is not translated twice.
    """
    found = {}
    for document in iter_documents(tree, language):
        for slot in document.slots:
            if slot.variant():
                found[slot.key] = slot.variant()
    return found
