from alembic import context

from raccord.core.models import Base

# The migrations are explicit scripts: upgrading needs no model. To autogenerate a new one,
# import every feature's tables first (raccord.wiring.load_features) so they join Base.metadata.
connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
