"""The Content-Security-Policy in a real Chromium: an injected inline script does not run, so
an escaping slip cannot act as the NdV; our own scripts (files) still do."""

import pytest

from objectives.models import Plan

pytestmark = pytest.mark.e2e

INJECT = """() => {
  window.__violations = [];
  document.addEventListener(
    "securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective)
  );
  const script = document.createElement("script");
  script.textContent = "window.__injected = 'ran'";
  document.body.appendChild(script);
  const button = document.createElement("button");
  button.setAttribute("onclick", "window.__handler = 'ran'");
  document.body.appendChild(button);
  button.click();
}"""


def test_an_injected_inline_script_does_not_run_as_the_ndv(browser, demo_site):
    context = browser.new_context(locale="it-IT")
    page = context.new_page()
    try:
        demo_site(page, "ndv")
        # The reflected value of the old XSS comes back escaped, as text.
        plan = Plan.objects.order_by("pk").first()
        page.goto(
            f"{demo_site.url}/cruscotto/{plan.pk}/?sezione=<script>window.__reflected='ran'</script>"
        )
        assert "Richiesta non valida" in page.content()
        assert page.evaluate("window.__reflected") is None
        # And were it not escaped, the policy stops it: a script element and a handler
        # written into the served page do not run.
        page.goto(f"{demo_site.url}/")
        assert page.evaluate("window.__PUBLIC_PATH__")  # our boot.js, a file, did run
        page.evaluate(INJECT)
        page.wait_for_function("window.__violations.length >= 2")
        assert page.evaluate("window.__injected") is None
        assert page.evaluate("window.__handler") is None
        assert set(page.evaluate("window.__violations")) <= {"script-src-elem", "script-src-attr"}
    finally:
        context.close()
