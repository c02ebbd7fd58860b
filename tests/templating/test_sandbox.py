"""No template can run code: known template-injection payloads answer 422 at upload or at
render and never show what they reached for; runaway templates stop at their limits."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.templating.helpers import docx_bytes, make_template, render, upload_template

pytestmark = pytest.mark.rolled_back

# Each reaches for Python internals, files, the environment or other templates.
REFUSED_AT_UPLOAD = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__.os.environ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self.__init__.__globals__.__builtins__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ request.application.__globals__.__builtins__.open('/etc/passwd').read() }}",
    "{{ config.__class__.__init__.__globals__['os'] }}",
    "{{ ''|attr('__class__')|attr('__mro__') }}",
    "{{ ()|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "{{ deal['__class__'] }}",
    "{{ '{0.__class__}'.format(deal) }}",
    "{{ '{0.__init__.__globals__}'.format(cycler) }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% from '/etc/passwd' import x %}",
    "{% extends '/etc/passwd' %}",
    "{{ x.__class__ }}",
    "{% set f = ''.__class__ %}{{ f }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ user.update.__self__ }}",
    "{{ ''|attr('_' ~ '_class_' ~ '_') }}",
]

# Built at run time, so only the sandbox can stop them.
U = "{% set u = '_' %}"
REFUSED_AT_RENDER = [
    U + "{{ ''|attr(u ~ u ~ 'class' ~ u ~ u) }}",
    U + "{{ ''|attr(u ~ u ~ 'class' ~ u ~ u)|attr(u ~ u ~ 'mro' ~ u ~ u) }}",
    U + "{{ (user or '')[u ~ u ~ 'class' ~ u ~ u] }}",
    U + "{{ ('{0.' ~ u ~ u ~ 'class' ~ u ~ u ~ '}').format(1) }}",
    U + "{{ ('{0.' ~ u ~ u ~ 'init' ~ u ~ u ~ '}').format(user) }}",
    U + "{{ ('{x.' ~ u ~ u ~ 'init' ~ u ~ u ~ '}').format_map({'x': user}) }}",
    U + "{{ range|attr(u ~ u ~ 'globals' ~ u ~ u) }}",
    U + "{{ namespace|attr(u ~ u ~ 'init' ~ u ~ u)|attr(u ~ u ~ 'globals' ~ u ~ u) }}",
]


@pytest.mark.parametrize("payload", REFUSED_AT_UPLOAD)
def test_a_template_reaching_for_internals_is_refused_at_upload(
    admin: APIClient, payload: str
) -> None:
    response = upload_template(admin, docx_bytes("Contract", payload))
    assert response.status_code == 422, response.content
    assert response.json()["code"] in {"template_unsafe", "template_syntax"}
    assert "root:" not in response.content.decode() and "<class" not in response.content.decode()


@pytest.mark.parametrize("payload", REFUSED_AT_RENDER)
def test_a_template_building_its_way_to_internals_is_stopped_at_render(
    admin: APIClient, payload: str
) -> None:
    template = make_template(admin, "Contract", payload)
    response = render(admin, template["id"], context={"x": 1})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "template_unsafe", body
    assert "<class" not in body["detail"] and "object at 0x" not in body["detail"]


def test_helpers_that_open_the_way_elsewhere_are_not_there(admin: APIClient) -> None:
    """`cycler`, `joiner`, `lipsum`, `dict` and a `request` are no part of a template's world:
    they print as nothing."""
    template = make_template(admin, "[{{ cycler }}{{ joiner }}{{ lipsum }}{{ dict }}{{ request }}]")
    response = render(admin, template["id"])
    assert response.status_code == 200, response.content


def test_large_numbers_print_where_they_are_values(admin: APIClient) -> None:
    """The bounds on numbers are for sizes (`center(n)`, `range(n)`), not for values printed."""
    from tests.templating.helpers import paragraphs_of

    template = make_template(
        admin, "{{ '%d pcs'|format(n) }} | {{ '{:,}'.format(n) }} | {{ n|number }} | {{ n * 2 }}"
    )
    response = render(admin, template["id"], context={"n": 2500000})
    assert response.status_code == 200, response.content
    assert paragraphs_of(response.content) == ["2500000 pcs | 2,500,000 | 2,500,000 | 5000000"]


def test_values_are_escaped_for_the_xml_they_land_in(admin: APIClient) -> None:
    """A value holding Word markup comes out as text, not as markup."""
    from tests.templating.helpers import paragraphs_of

    template = make_template(admin, "Note: {{ note }}")
    markup = '</w:t></w:r><w:r><w:t>injected & "quoted" <b>'
    response = render(admin, template["id"], context={"note": markup})
    assert response.status_code == 200, response.content
    assert paragraphs_of(response.content) == [f"Note: {markup}"]


@pytest.mark.parametrize(
    "payload",
    [
        # A loop of a billion rows (range is capped, nesting it runs into the output budget).
        "{% for i in range(100000) %}{% for j in range(10000) %}row {{ i }}{% endfor %}"
        "{% endfor %}",
        # Loops that write nothing run into the deadline.
        "{% for i in range(10000) %}{% for j in range(10000) %}{% set x = i %}{% endfor %}"
        "{% endfor %}",
        "{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
        # One expression building too much at once.
        "{{ 'x' * 1000000000 }}",
        "{{ 9 ** 9 ** 9 }}",
        "{{ 'x'.ljust(1000000000) }}",
        "{{ 'x'|center(1000000000) }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{{ '%999999999d'|format(1) }}",
        # Doubling a string until memory runs out: the child process's limit stops it.
        "{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}"
        "{% endfor %}{{ ns.x|length }}",
    ],
)
@override_settings(KONTOR_RENDER_SECONDS=2.0, KONTOR_RENDER_MAX_CHARACTERS=2_000_000)
def test_a_runaway_template_stops_with_422(admin: APIClient, payload: str) -> None:
    template = make_template(admin, payload)
    response = render(admin, template["id"])
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "template_limit", response.json()
