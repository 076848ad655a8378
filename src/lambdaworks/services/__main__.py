from lambdaworks.services.process import main

main()
