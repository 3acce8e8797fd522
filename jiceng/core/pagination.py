"""The one pagination schema of the API's list endpoints: `limit` and `offset` query parameters with ranges.

    @router.get("/things", response=list[ThingOut])
    def things(request, page: Query[Page]):
        return list(page.slice(selectors.things(user=request.user)))

A negative or huge `offset`, or a `limit` outside its range, is a 422 with the field named (never a server
error, never silently clamped). An endpoint whose rows are heavier or lighter than usual takes
`Page.sized(default, maximum)`: the same schema with other bounds for `limit`.
"""

import functools

from ninja import Field, Schema

MAX_OFFSET = 100_000


class Page(Schema):
    limit: int = Field(100, ge=1, le=1000, description="How many rows to return.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many rows to skip.")

    def slice(self, rows):
        return rows[self.offset:self.offset + self.limit]

    @classmethod
    @functools.cache
    def sized(cls, default: int, maximum: int) -> type["Page"]:
        return type(f"Page{default}to{maximum}", (cls,), {
            "__annotations__": {"limit": int},
            "limit": Field(default, ge=1, le=maximum, description="How many rows to return."),
        })
