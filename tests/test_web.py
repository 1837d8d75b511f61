"""The Flask app: pages and their /api twins, errors, headers."""

import pytest

from indexer.errors import IndexNotFound
from search_web import create_app


@pytest.fixture(scope="module")
def client(seed_index_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index_dir)})
    return app.test_client()


def test_api_search_returns_the_cli_json_object(client, seed_index):
    data = client.get("/api/search?q=三个一批&limit=3").get_json()
    expected = seed_index.search("三个一批", limit=3).as_dict()
    assert data == expected


def test_search_page_highlights_and_links_to_its_json_twin(client):
    page = client.get("/?q=三个一批").get_data(as_text=True)
    assert "<mark>三个一批</mark>" in page and 'lang="zh-CN"' in page
    assert "/api/search?q=" in page


def test_filters_and_paging(client):
    data = client.get("/api/search?q=发展&region=新华区&limit=5&offset=5").get_json()
    assert data["offset"] == 5 and len(data["hits"]) == 5
    assert {h["region"] for h in data["hits"]} == {"新华区"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=a)",
        "/api/search?q=x&limit=0",
        "/api/search?q=x&offset=-1",
        "/api/search?q=x&limit=abc",
    ],
)
def test_bad_requests_are_400_json(client, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 400 and body["error"]


def test_bad_query_on_the_page_is_a_400_page(client):
    response = client.get("/?q=(a")
    assert response.status_code == 400 and "unbalanced" in response.get_data(as_text=True)


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/nope")
    assert response.status_code == 404 and response.get_json()["status"] == 404


def test_script_in_a_query_is_escaped(client):
    page = client.get("/?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert" not in page


def test_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_docs_api(client):
    documents = client.get("/api/docs").get_json()["documents"]
    assert len(documents) == 5 and documents[0]["region"] == "新华区"


def test_missing_index_fails_at_startup(tmp_path):
    with pytest.raises(IndexNotFound):
        create_app({"INDEX_DIR": str(tmp_path / "none")})
