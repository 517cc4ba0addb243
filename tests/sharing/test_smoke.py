def test_unknown_code_is_404(client, db):
    assert client.get("/l/nope").status_code == 404
