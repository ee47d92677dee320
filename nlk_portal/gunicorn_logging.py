"""gunicorn's logger for the Procfile (--logger-class): the access log writes no token a path carries."""

from gunicorn.glogging import Logger

from nlk_portal.core.redaction import redact_path

# The access log's atoms that hold a path or a URL: the request line, the path, the referring page.
PATH_ATOMS = ("r", "U", "f")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in PATH_ATOMS:
            if isinstance(atoms.get(name), str):
                atoms[name] = redact_path(atoms[name])
        if isinstance(atoms.get("{referer}i"), str):
            atoms["{referer}i"] = redact_path(atoms["{referer}i"])
        return atoms
