"""What the browser tests check on a page for WCAG 2.1 AA: axe-core's rules, and the focus ring on each control."""

from functools import cache
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci --prefix tests/e2e).")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page):
    """axe-core's WCAG 2.1 A and AA violations on the page, as "rule: element, element" lines."""
    # Evaluated through the DevTools protocol, so the portal's Content Security Policy does not apply.
    page.evaluate(axe_source())
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`);
        }""",
        WCAG_21_AA,
    )
    return violations


# The focused element's ring: its outline's colour against the background around it (the outline is drawn
# outside the element), composited through the ancestors' backgrounds onto white.
FOCUS_RING = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const parse = (colour) => {
        const parts = colour.match(/[\\d.]+/g).map(Number);
        return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
    };
    const over = (top, below) => ({
        r: top.r * top.a + below.r * (1 - top.a), g: top.g * top.a + below.g * (1 - top.a),
        b: top.b * top.a + below.b * (1 - top.a), a: 1,
    });
    const luminance = ({r, g, b}) => {
        const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const layers = [];
    for (let node = element.parentElement; node; node = node.parentElement) {
        const colour = parse(getComputedStyle(node).backgroundColor);
        if (colour.a > 0) { layers.push(colour); if (colour.a >= 1) break; }
    }
    let background = {r: 255, g: 255, b: 255, a: 1};
    for (const layer of layers.reverse()) background = over(layer, background);
    const style = getComputedStyle(element);
    const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + (element.name ? `[name=${element.name}]` : "") + ` "${(element.innerText || element.value || "").trim().slice(0, 30)}"`;
    const width = parseFloat(style.outlineWidth);
    if (style.outlineStyle === "none" || !(width >= 2)) return {name, ratio: 0, problem: "no outline of 2px or more"};
    const ring = over(parse(style.outlineColor), background);
    const [light, dark] = [luminance(ring), luminance(background)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    return {name, ratio: Math.round(ratio * 100) / 100, problem: ratio >= 3 ? null : "contrast below 3:1"};
}"""


def focus_ring_problems(page, most=400):
    """Tab through every control of the page; each one whose focus ring is missing or below 3:1."""
    problems, seen = [], set()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(most):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring is None:  # past the last control
            break
        position = page.evaluate("() => [...document.querySelectorAll('*')].indexOf(document.activeElement)")
        if position in seen:
            break
        seen.add(position)
        if ring["problem"]:
            problems.append(f"{ring['name']}: {ring['problem']} ({ring['ratio']}:1)")
    return problems
