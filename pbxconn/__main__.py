from pbxconn.cli import main

main()
