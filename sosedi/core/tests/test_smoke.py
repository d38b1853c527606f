import pytest


@pytest.mark.django_db
def test_home_page_renders_in_russian(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="ru">' in response.content.decode()


@pytest.mark.django_db
def test_reference_data_loaded_by_migration():
    from sosedi.territories.models import Direction, Municipality

    assert Municipality.objects.filter(kind="municipal_district").count() == 37
    assert Municipality.objects.filter(kind="urban_okrug").count() == 4
    assert Direction.objects.count() == 8


@pytest.mark.django_db
def test_home_page_shows_registry_figures(client):
    from sosedi.territories.tests.factories import TosFactory

    TosFactory.create_batch(2)
    TosFactory(status="liquidated")
    body = client.get("/").content.decode()
    assert "<strong>2</strong> ТОС в реестре" in body
    assert 'href="/tos/find/"' in body
