"""Reading hostile archives: each refusal has a clear message and nothing is written outside the target."""
from __future__ import annotations

import io
import tarfile

import pytest

from course_export.archive import MB, ArchiveError, Limits, extract_to_folder, read_archive
from course_export.olx import CourseError

COURSE_XML = b'<course url_name="2026" org="MAGIX" course="T1"/>\n'


def make_archive(path, members):
    """``members``: (name, bytes or a TarInfo-tweaking callable)."""
    with tarfile.open(path, 'w:gz') as archive:
        for name, content in members:
            info = tarfile.TarInfo(name)
            if callable(content):
                content(info)
                archive.addfile(info)
            else:
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
    return path


def test_a_sound_archive_is_read(tmp_path):
    path = make_archive(tmp_path / 'ok.tar.gz', [('course/course.xml', COURSE_XML),
                                                  ('course/static/a b.txt', b'x')])
    assert read_archive(path) == {'course.xml': COURSE_XML, 'static/a b.txt': b'x'}


def symlink(info):
    info.type, info.linkname = tarfile.SYMTYPE, '/etc/passwd'


def hardlink(info):
    info.type, info.linkname = tarfile.LNKTYPE, 'course/course.xml'


def char_device(info):
    info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 1, 3


def fifo(info):
    info.type = tarfile.FIFOTYPE


@pytest.mark.parametrize('name, content, message', [
    ('course/../../evil.txt', b'x', 'climbs out of the course folder'),
    ('/etc/cron.d/evil', b'x', 'is an absolute path'),
    ('C:/windows/evil', b'x', 'is an absolute path'),
    ('course\\..\\evil', b'x', 'backslash'),
    ('course/static/link', symlink, 'is a link'),
    ('course/static/hard', hardlink, 'is a link'),
    ('course/static/null', char_device, 'device or FIFO'),
    ('course/static/pipe', fifo, 'device or FIFO'),
])
def test_dangerous_members_are_refused(tmp_path, name, content, message):
    path = make_archive(tmp_path / 'bad.tar.gz', [('course/course.xml', COURSE_XML), (name, content)])
    with pytest.raises(ArchiveError, match=message):
        read_archive(path)
    assert not (tmp_path / 'evil.txt').exists()


def test_too_many_files_and_too_many_bytes_are_refused(tmp_path):
    members = [('course/course.xml', COURSE_XML)] + [(f'course/static/{n}.txt', b'x') for n in range(20)]
    path = make_archive(tmp_path / 'many.tar.gz', members)
    with pytest.raises(ArchiveError, match='more than 10 entries'):
        read_archive(path, Limits(max_files=10))
    bomb = make_archive(tmp_path / 'bomb.tar.gz', [('course/course.xml', COURSE_XML),
                                                    ('course/static/zeros', b'\0' * 2_000_000)])
    assert bomb.stat().st_size < 50_000  # compresses well: the limit counts unpacked bytes
    with pytest.raises(ArchiveError, match='unpacks to more than 1 MB'):
        read_archive(bomb, Limits(max_total_bytes=1024 * 1024, max_file_bytes=10 * 1024 * 1024))
    with pytest.raises(ArchiveError, match='larger than 1 MB'):
        read_archive(bomb, Limits(max_file_bytes=1024 * 1024))


def test_limits_scale_with_real_courses_and_are_settable(tmp_path):
    # A 10,000-block Studio export is about 15,000 entries: the defaults read it.
    assert Limits().max_files >= 50_000 and Limits().max_total_bytes >= 1024 * MB
    limits = Limits.from_environment({'MAGIX_COURSE_MAX_FILES': '30', 'MAGIX_COURSE_MAX_MB': '5'},
                                     max_file_bytes=2 * MB)
    assert limits == Limits(max_files=30, max_total_bytes=5 * MB, max_file_bytes=2 * MB)
    assert Limits.from_environment({'MAGIX_COURSE_MAX_FILES': '30'}, max_files=40).max_files == 40
    with pytest.raises(CourseError, match='MAGIX_COURSE_MAX_FILES'):
        Limits.from_environment({'MAGIX_COURSE_MAX_FILES': 'many'})
    members = [('course/course.xml', COURSE_XML)] + [(f'course/static/{n}.txt', b'x') for n in range(40)]
    path = make_archive(tmp_path / 'many.tar.gz', members)
    with pytest.raises(ArchiveError, match='--max-files or MAGIX_COURSE_MAX_FILES'):
        read_archive(path, Limits.from_environment({'MAGIX_COURSE_MAX_FILES': '30'}))
    assert len(read_archive(path, Limits.from_environment({'MAGIX_COURSE_MAX_FILES': '60'}))) == 41


XXE = b'''<?xml version="1.0"?>
<!DOCTYPE course [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<course display_name="&secret;"/>
'''
LAUGHS = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">' + b''.join(
    b'<!ENTITY lol%d "%s">' % (n, (b'&lol%d;' % (n - 1) if n > 1 else b'&lol;') * 10) for n in range(1, 10)
) + b']>\n<problem>&lol9;</problem>\n'


@pytest.mark.parametrize('name, data', [
    ('course/course/2026.xml', XXE),
    ('course/problem/bomb.xml', LAUGHS),
    ('course/html/page.html', b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><p>&x;</p>'),
])
def test_doctypes_external_entities_and_entity_bombs_are_refused(tmp_path, name, data):
    path = make_archive(tmp_path / 'xml.tar.gz', [('course/course.xml', COURSE_XML), (name, data)])
    with pytest.raises(CourseError, match='DOCTYPE declarations'):
        read_archive(path)


def test_malformed_xml_is_named(tmp_path):
    path = make_archive(tmp_path / 'm.tar.gz', [('course/course.xml', COURSE_XML),
                                                 ('course/chapter/a.xml', b'<chapter><oops></chapter>')])
    with pytest.raises(CourseError, match=r'chapter/a.xml: line 1: the XML is not well formed'):
        read_archive(path)


@pytest.mark.parametrize('members, message', [
    ([('a/course.xml', COURSE_XML), ('b/course.xml', COURSE_XML)], 'exactly one top folder'),
    ([('course.xml', COURSE_XML)], 'exactly one top folder'),
    ([('course/readme.txt', b'x')], 'has no course.xml'),
    ([('course/course.xml', COURSE_XML), ('course/course.xml', COURSE_XML)], 'appears twice'),
])
def test_archive_layout_is_checked(tmp_path, members, message):
    with pytest.raises(ArchiveError, match=message):
        read_archive(make_archive(tmp_path / 'l.tar.gz', members))


def test_not_an_archive_and_a_truncated_one(tmp_path):
    (tmp_path / 'x.tar.gz').write_bytes(b'this is not a tarball')
    with pytest.raises(ArchiveError, match='not a readable .tar.gz archive'):
        read_archive(tmp_path / 'x.tar.gz')
    good = make_archive(tmp_path / 'g.tar.gz', [('course/course.xml', COURSE_XML),
                                                 ('course/static/big', bytes(range(256)) * 400)])
    (tmp_path / 't.tar.gz').write_bytes(good.read_bytes()[:-200])
    with pytest.raises(ArchiveError):
        read_archive(tmp_path / 't.tar.gz')


def test_extraction_never_writes_outside_its_folder(tmp_path):
    target = tmp_path / 'target'
    with pytest.raises(ArchiveError, match='climbs out'):
        extract_to_folder({'../outside.txt': b'x'}, target)
    with pytest.raises(ArchiveError, match='absolute path'):
        extract_to_folder({'/tmp/outside.txt': b'x'}, target)
    assert not (tmp_path / 'outside.txt').exists()
    extract_to_folder({'course.xml': COURSE_XML, 'static/a/b.txt': b'y'}, target)
    assert (target / 'static' / 'a' / 'b.txt').read_bytes() == b'y'
