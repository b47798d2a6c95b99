from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "mikrolaan.bench"
    label = "bench"
    verbose_name = "Benchmarks"
