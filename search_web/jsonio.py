"""JSON responses through orjson: the same JSON as Flask's provider (sorted keys, UTF-8,
compact), an order of magnitude faster to encode. A common term's answer lists a facet
entry per matching report and a glossary entry per defining one: at 20 MB, encoding it
with the standard library took longer than finding it."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


class OrjsonProvider(DefaultJSONProvider):
    """Flask's default provider with orjson doing the encoding; anything orjson cannot
    encode goes through the provider's ``default`` (dates, Markup), as before."""

    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs:  # json.dumps options (indent, separators): the standard library's job
            return super().dumps(obj, **kwargs)
        return orjson.dumps(obj, default=self.default, option=OPTIONS).decode("utf-8")

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        option = OPTIONS | orjson.OPT_APPEND_NEWLINE
        if (self.compact is None and self._app.debug) or self.compact is False:
            option |= orjson.OPT_INDENT_2
        body = orjson.dumps(obj, default=self.default, option=option)
        return self._app.response_class(body, mimetype=self.mimetype)
