"""Device classes from ua-parser's device result, measured against the ua-parser project's own test cases
(fixtures/uap-core-devices.yaml, Apache 2.0); bots by name, never by a substring of another word."""

from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.test import Client

from custodian.analytics.capture import DEVICE_CLASSES
from custodian.analytics.models import PageView

FIXTURE = Path(__file__).parent / "fixtures" / "uap-core-devices.yaml"
CASES = yaml.safe_load(FIXTURE.read_text())["test_cases"]


def visit(user_agent: str) -> PageView:
    assert Client().get("/services/", HTTP_USER_AGENT=user_agent).status_code == 200
    return PageView.objects.order_by("-id").first()


def test_device_classes_agree_with_the_ua_parser_projects_test_cases(db):
    right, total, desktop_by_mistake = Counter(), Counter(), []
    for case in CASES:
        got = visit(case["user_agent_string"]).device
        assert got in DEVICE_CLASSES
        total[case["class"]] += 1
        right[case["class"]] += got == case["class"]
        if got == "desktop" and case["class"] != "desktop":
            desktop_by_mistake.append(case["user_agent_string"])
    share = {device: right[device] / total[device] for device in total}
    assert share["phone"] >= 0.95 and share["tablet"] >= 0.95, share
    for device in ("tv", "console", "wearable", "e-reader", "other", "bot"):
        assert share[device] >= 0.9, (device, share)
    assert desktop_by_mistake == []  # a TV, console, watch or reader is never counted as a desktop


@pytest.mark.parametrize(
    "user_agent, device",
    [
        # Android's rule: a phone's browser says "Mobile", a tablet's doesn't.
        (
            (
                "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
                " Safari/537.36"
            ),
            "tablet",
        ),
        (
            (
                "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0"
                " Safari/537.36"
            ),
            "tablet",
        ),
        (
            (
                "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0"
                " Mobile Safari/537.36"
            ),
            "phone",
        ),
        ("Mozilla/5.0 (Android 14; Tablet; rv:133.0) Gecko/133.0 Firefox/133.0", "tablet"),
        ("Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", "phone"),
        (
            (
                "Mozilla/5.0 (Linux; Android 11; CUBOT KINGKONG 7) AppleWebKit/537.36 (KHTML, like Gecko)"
                " Chrome/120.0 Mobile Safari/537.36"
            ),
            "phone",
        ),
        (
            (
                "Mozilla/5.0 (Linux; Android 10; OrangeBotswana) AppleWebKit/537.36 (KHTML, like Gecko)"
                " Chrome/120.0 Mobile Safari/537.36"
            ),
            "phone",
        ),
        (
            (
                "Mozilla/5.0 (Linux; Android 12; HeartMonitor Pro) AppleWebKit/537.36 (KHTML, like Gecko)"
                " Chrome/120.0 Mobile Safari/537.36"
            ),
            "phone",
        ),
        # Televisions, consoles, wearables, readers: never desktops.
        (
            (
                "Mozilla/5.0 (Linux; Android 9; SHIELD Android TV Build/PPR1.180610.011) AppleWebKit/537.36"
                " (KHTML, like Gecko) Chrome/74.0 Mobile Safari/537.36"
            ),
            "tv",
        ),
        (
            (
                "Mozilla/5.0 (Linux; Android 11; AFTKA) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0"
                " Safari/537.36"
            ),
            "tv",
        ),
        (
            (
                "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko)"
                " 85.0.4183.93/6.0 TV Safari/537.36"
            ),
            "tv",
        ),
        (
            (
                "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko)"
                " Chrome/79.0.3945.79 Safari/537.36 WebAppManager"
            ),
            "tv",
        ),
        (
            (
                "Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"
                " Safari/537.36 CrKey/1.56.500000"
            ),
            "tv",
        ),
        ("Roku/DVP-9.10 (519.10E04111A)", "tv"),
        ("Mozilla/5.0 (PlayStation 5 3.11) AppleWebKit/605.1.15 (KHTML, like Gecko)", "console"),
        (
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like"
                " Gecko) Chrome/70.0 Safari/537.36 Edge/44.18363.8131"
            ),
            "console",
        ),
        (
            (
                "Mozilla/5.0 (Nintendo Switch; WifiWebAuthApplet) AppleWebKit/606.4 (KHTML, like Gecko)"
                " NF/6.0.1.15.4 NintendoBrowser/5.1.0.20393"
            ),
            "console",
        ),
        (
            (
                "Mozilla/5.0 (Linux; Android 13; SM-R910) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"
                " Mobile Safari/537.36"
            ),
            "wearable",
        ),
        (
            (
                "Mozilla/5.0 (X11; U; Linux armv7l like Android; en-us) AppleWebKit/531.2+"
                " (KHTML, like Gecko) Version/5.0 Safari/531.2+ Kindle/3.0+"
            ),
            "e-reader",
        ),
        (
            (
                "Mozilla/5.0 (Linux; U; Android 2.0; en-us;) AppleWebKit/538.1 (KHTML, like Gecko)"
                " Version/4.0 Safari/538.1 Kobo Touch"
            ),
            "e-reader",
        ),
        ("Mozilla/5.0 (compatible; SomeNewThing/1.0)", "other"),  # nobody knows: "other", not "desktop"
        (
            (
                "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
                " Safari/537.36"
            ),
            "desktop",
        ),
        (
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                " Version/17.0 Safari/605.1.15"
            ),
            "desktop",
        ),
    ],
)
def test_device_class(db, user_agent, device):
    view = visit(user_agent)
    assert (view.device, view.is_bot) == (device, False)


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "kube-probe/1.29",
        "ELB-HealthChecker/2.0",
        "GoogleHC/1.0",
        "Uptime-Kuma/1.23.16",
        "Site24x7",
        (
            "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"
            " Safari/537.36 Site24x7"
        ),
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32.3",
        "python-httpx/0.27.0",
        "Go-http-client/2.0",
        "okhttp/4.12.0",
        "Java/17.0.11",
        "Apache-HttpClient/4.5.14 (Java/17.0.11)",
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2;"
            " +https://openai.com/gptbot)"
        ),
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0;"
            " +claudebot@anthropic.com)"
        ),
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Claude-User/1.0;"
            " +Claude-User@anthropic.com)"
        ),
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Perplexity-User/1.0;"
            " +https://perplexity.ai/perplexity-user)"
        ),
        "Mozilla/5.0 (compatible; GoogleOther)",
        (
            "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko)"
            " Chrome/131.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse"
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0"
            " Safari/537.36"
        ),
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    ],
)
def test_bots_health_checks_http_libraries_and_ai_agents_are_flagged(db, user_agent):
    view = visit(user_agent)
    assert (view.device, view.is_bot) == ("bot", True)


def test_the_dashboard_counts_people_not_bots(console, web_editor, db):
    for case in CASES:
        visit(case["user_agent_string"])
    html = console(web_editor).get("/staff/web/").content.decode()
    people = sum(1 for case in CASES if case["class"] != "bot")
    assert f"<strong>{people}</strong> page views" in html
    for device in ("phone", "tablet", "tv", "console", "wearable", "e-reader"):
        assert f"<td>{device}</td>" in html
