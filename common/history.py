"""The change history every record keeps (django-simple-history), with its many-to-many rows
copied in one query per field.

simple-history copies a record's many-to-many rows into its history by loading each link row
with both ends joined (`select_related`), only to read their keys back. A project has four such
fields and each `.set()` writes a history record, so proposing one project ran a dozen joined
queries that fetched whole projects, people and areas. Here the same history rows are built from
the link table's columns alone: the stored history is the same.
"""

from simple_history import models as simple_history
from simple_history.signals import (
    post_create_historical_m2m_records,
    pre_create_historical_m2m_records,
)
from simple_history.utils import get_m2m_field_name


class HistoricalRecords(simple_history.HistoricalRecords):
    def create_historical_record_m2ms(self, history_instance, instance):
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through_model = getattr(history_instance.instance, field.name).through
            columns = [f.attname for f in through_model._meta.fields]
            link_rows = through_model.objects.filter(
                **{get_m2m_field_name(field): instance}
            ).values_list(*columns)
            insert_rows = [
                m2m_history_model(history=history_instance, **dict(zip(columns, row, strict=True)))
                for row in link_rows
            ]
            pre_create_historical_m2m_records.send(
                sender=m2m_history_model,
                rows=insert_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
            created_rows = m2m_history_model.objects.bulk_create(insert_rows)
            post_create_historical_m2m_records.send(
                sender=m2m_history_model,
                created_rows=created_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
