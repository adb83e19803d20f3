from alembic import context

from raccord.core.models import Base
from raccord.features import feature_modules

feature_modules("models")  # every feature's tables join Base.metadata
connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
