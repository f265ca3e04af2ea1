"""The ceiling of our stack: a hello-world Falcon app on the same waitress settings as awsmock.

    python benchmarks/hello_falcon.py PORT THREADS
"""

from __future__ import annotations

import sys

import falcon
import waitress


class Hello:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.data = b'{"hello":"world"}'

    on_post = on_put = on_get


def main() -> None:
    port, threads = int(sys.argv[1]), int(sys.argv[2])
    app = falcon.App()
    app.add_sink(lambda req, resp, **kw: Hello().on_get(req, resp), prefix="/")
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    waitress.serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True, ident="hello")


if __name__ == "__main__":
    main()
