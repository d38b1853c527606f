from celery import shared_task


@shared_task
def process_registry_import(import_id: int) -> str:
    from .importing import registry_import_process

    return registry_import_process(import_id).status
