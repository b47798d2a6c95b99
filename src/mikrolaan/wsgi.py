import os

from django.core.wsgi import get_wsgi_application

from mikrolaan.core.private_files import use_private_umask

use_private_umask()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mikrolaan.settings.base")
application = get_wsgi_application()
