from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils.module_loading import import_string

PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """
    The mentor directory, availability and staff figures are cached and invalidated by bumping a
    version in the cache: a per-process cache only invalidates the worker that made the change.
    """
    backend = settings.CACHES["default"]["BACKEND"]
    if not any(issubclass(import_string(backend), import_string(name)) for name in PER_PROCESS_CACHES):
        return []
    return [
        Warning(
            "The default cache is per process (CACHE_URL is unset or locmemcache://).",
            hint=(
                "With more than one web worker, other workers show a booking or profile change up to "
                "a minute late. Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/1."
            ),
            id="accounts.W001",
        )
    ]
