"""The import form on the integrity page: success redirects, a refused import lists every problem."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile


def upload(client, code, features):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": k, "name": n},
         "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}}
        for k, n, (x0, y0, x1, y1) in features]}
    f = SimpleUploadedFile("g.geojson", json.dumps(fc).encode())
    return client.post(f"/network/integrity/{code}/import/", {"kind": "grid", "file": f})


def test_an_overlapping_upload_is_refused_on_the_page_with_the_overlap_named(city, client_for):
    response = upload(client_for("community_worker"), city.community.code,
                      [(city.grid.code, "第一网格", (111.4, 36.0, 111.46, 36.1))])
    assert response.status_code == 422
    html = response.content.decode()
    assert city.grid_b.code in html and ("overlap" in html or "重叠" in html)


def test_a_clean_upload_redirects_to_the_report(city, client_for):
    response = upload(client_for("community_worker"), city.community.code,
                      [(city.grid.code, "第一网格", (111.4, 36.0, 111.45, 36.1))])
    assert response.status_code == 302
    assert response["Location"] == f"/network/integrity/{city.community.code}/"
