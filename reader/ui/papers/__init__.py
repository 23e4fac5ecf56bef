"""The paper table: model, view and the columns they share."""
