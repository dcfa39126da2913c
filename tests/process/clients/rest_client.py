"""A client of the taskrpc REST API in another language, with Python's standard library only.

Usage: python3 rest_client.py BASE_URL
Creates a project and three tasks, lists the open ones by due date, and prints one JSON document of what it saw.
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = sys.argv[1]


def call(method, path, body=None, query=None):
    url = BASE + path + ("?" + urllib.parse.urlencode(query, doseq=True) if query else "")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


status, project = call("POST", "/api/projects", {"name": "From Python"})
assert status == 201, (status, project)
for title, due, labels in [("water plants", "2026-05-02", ["home"]), ("file taxes", "2026-04-15", ["admin"]), ("call mum", None, ["Home"])]:
    status, task = call("POST", "/api/tasks", {"projectId": project["id"], "title": title, "dueDate": due, "labels": labels})
    assert status == 201, (status, task)
_, done = call("POST", "/api/tasks/" + urllib.parse.quote(task["id"], safe="") + "/complete")

_, listed = call("GET", "/api/tasks", query={"projectId": project["id"], "status": "open", "sort": "dueDate:asc", "labels": ["home", "admin"]})
_, count = call("GET", "/api/tasks/count", query={"projectId": project["id"], "status": "all"})
refused_status, refused = call("POST", "/api/tasks", {"projectId": "no-such-project", "title": "orphan"})
invalid_status, invalid = call("GET", "/api/tasks", query={"sort": "dueDate:sideways"})

print(json.dumps({
    "project": project["name"],
    "completed": done["completed"],
    "open": [task["title"] for task in listed["items"]],
    "count": count["count"],
    "refused": [refused_status, refused["error"]["reason"]],
    "invalid": [invalid_status, invalid["error"]["reason"], [issue["path"] for issue in invalid["error"]["issues"]]],
}))
