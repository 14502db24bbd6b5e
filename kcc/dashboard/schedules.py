"""A beat schedule whose interval is a Django setting, read when beat checks it.

kcc/settings/beat.py is imported while the settings are being built, before the setting exists,
so the entry cannot hold the number itself. Imports nothing from the app's models.
"""

from datetime import timedelta

from celery.schedules import schedule


class SettingInterval(schedule):
    """Run every `settings.<setting>` seconds."""

    def __init__(self, setting: str = "KCC_METRICS_INTERVAL_SECONDS", *args, nowfun=None, app=None, **kwargs):
        # celery's schedule.__reduce__ passes (run_every, relative, nowfun); keep the setting name
        # when unpickled from beat's schedule file.
        self.setting = setting if isinstance(setting, str) else "KCC_METRICS_INTERVAL_SECONDS"
        self.relative = False
        self.nowfun = nowfun
        self._app = app

    @property
    def run_every(self) -> timedelta:
        from django.conf import settings

        return timedelta(seconds=max(5, int(getattr(settings, self.setting))))

    @run_every.setter
    def run_every(self, value) -> None:  # schedule.__init__ and copies assign it; the setting wins
        pass

    def __reduce__(self):
        return self.__class__, (self.setting,)

    def __repr__(self):
        return f"<freq: settings.{self.setting}>"

    def __eq__(self, other):
        return isinstance(other, SettingInterval) and other.setting == self.setting

    def __hash__(self):
        return hash(self.setting)
