"""What every stage uses: errors and problems, the project's folders, progress bars, worker processes."""
