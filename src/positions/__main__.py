from positions.cli import main

main()
