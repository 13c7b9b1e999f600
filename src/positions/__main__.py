from positions.launch import main

main()
