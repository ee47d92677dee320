"""No developer text reaches a page: Django's {# #} comment ends on its own line, or it is printed as text."""

from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def project_templates():
    """Every template of the project: the root templates/ and each app's templates/."""
    folders = [ROOT / "templates", *(path for path in ROOT.glob("*/templates") if path.is_dir())]
    return sorted(path for folder in folders for path in folder.rglob("*") if path.is_file())


def unclosed_comments(text):
    """(line number, line) of each {# without its #} after it on the same line."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        rest = line
        while "{#" in rest:
            rest = rest[rest.index("{#") + 2 :]
            if "#}" not in rest:
                found.append((number, line.strip()))
                break
            rest = rest[rest.index("#}") + 2 :]
    return found


def test_the_scan_finds_a_comment_split_over_two_lines():
    assert unclosed_comments("{% load i18n %}{# a note\n that goes on #}<p>x</p>") == [
        (1, "{% load i18n %}{# a note")
    ]
    assert unclosed_comments("{# one #}<p>{# two #}</p>") == []
    assert unclosed_comments("{# one #}<p>{# two\n#}</p>") == [(1, "{# one #}<p>{# two")]


def test_every_template_closes_its_comments_on_the_same_line():
    templates = project_templates()
    assert any(path.name == "base.html" for path in templates)
    assert any("exchange/reports/includes/table.html" in str(path) for path in templates)
    problems = [
        f"{path.relative_to(ROOT)}:{number}: {line}"
        for path in templates
        for number, line in unclosed_comments(path.read_text(encoding="utf-8"))
    ]
    assert problems == [], "Use {% comment %} … {% endcomment %} for a comment of more than one line:\n" + "\n".join(
        problems
    )
