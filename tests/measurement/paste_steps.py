"""Reading the paste preview as a browser would, to send its form back."""

import html
import re


def preview_fields(page: str) -> dict[str, str]:
    """The hidden fields of the preview's form (the text it read and what it showed)."""
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)
        if name != "csrfmiddlewaretoken"
    }
