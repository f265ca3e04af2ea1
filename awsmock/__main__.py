from awsmock.cli import main

raise SystemExit(main())
